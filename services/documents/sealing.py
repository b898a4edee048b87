"""Streaming AEAD for document bodies: AES-256-GCM over 64 KiB chunks.

Stored layout: ``MAGIC`` (4 bytes), a nonce prefix (8 bytes), then each chunk's
ciphertext and tag. Chunk ``i`` uses the nonce ``prefix || i`` and authenticates, besides
the document's associated data, its index and whether it is the last chunk: chunks
cannot be reordered, dropped, duplicated or the file truncated without the tag failing.
A byte range is read by opening only the chunks it covers.

A bid document's key is derived from its solicitation's key (``infra/keys.py``); its
nonce prefix is derived from the key, the associated data and the plaintext's hash, so
the same bytes sealed twice for the same bid give the same ciphertext (stored once),
while the same bytes in another bid give another ciphertext.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infra.keys import solicitation_key, subkey

MAGIC = b"CDS1"
CHUNK = 64 * 1024
TAG = 16
HEADER = len(MAGIC) + 8


class SealError(Exception):
    """A sealed body does not open: tampered, truncated or under another key."""


def sealed_size(size: int) -> int:
    return HEADER + size + chunk_count(size) * TAG


@dataclass(frozen=True)
class Sealer:
    key: bytes
    aad: bytes
    prefix: bytes
    #: the bid master key version the key derives from (recorded with the document)
    key_version: int = 1

    def _aad(self, index: int, final: bool) -> bytes:
        return self.aad + index.to_bytes(8, "big") + (b"\x01" if final else b"\x00")

    def _nonce(self, index: int) -> bytes:
        return self.prefix + index.to_bytes(4, "big")

    def seal_chunk(self, index: int, data: bytes, final: bool) -> bytes:
        return AESGCM(self.key).encrypt(self._nonce(index), data, self._aad(index, final))

    def open_chunk(self, index: int, data: bytes, final: bool) -> bytes:
        try:
            return AESGCM(self.key).decrypt(self._nonce(index), data, self._aad(index, final))
        except InvalidTag as exc:
            raise SealError(f"chunk {index} of the sealed document does not open") from exc

    @property
    def header(self) -> bytes:
        return MAGIC + self.prefix


def bid_document_sealer(master: bytes, *, solicitation_id: str, bid_id: str, vendor_id: str,
                        plaintext_sha256: str, key_version: int = 1) -> Sealer:
    """The sealer of a bid's document (the same inputs always give the same sealer)."""
    key = solicitation_key(master, solicitation_id)
    aad = f"document\x00{bid_id}\x00{solicitation_id}\x00{vendor_id}".encode()
    prefix = hmac.new(subkey(key, "documents:nonce"), aad + bytes.fromhex(plaintext_sha256),
                      hashlib.sha256).digest()[:8]
    return Sealer(key=subkey(key, "documents:content"), aad=aad, prefix=prefix, key_version=key_version)


def ephemeral_sealer() -> Sealer:
    """A one-off key for a temporary file that must not hold plaintext (never stored)."""
    return Sealer(key=AESGCM.generate_key(bit_length=256), aad=b"spool", prefix=secrets.token_bytes(8))


class SealingWriter:
    """Encrypts what is written to ``out``, one chunk at a time (nothing held whole)."""

    def __init__(self, out: BinaryIO, sealer: Sealer) -> None:
        self._out = out
        self._sealer = sealer
        self._buffer = bytearray()
        self._index = 0
        out.write(sealer.header)

    def write(self, data: bytes | bytearray) -> None:
        self._buffer += data
        # hold one full chunk back: the last chunk is flagged as final
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), final=False)
            del self._buffer[:CHUNK]

    def _emit(self, data: bytes, *, final: bool) -> None:
        self._out.write(self._sealer.seal_chunk(self._index, data, final))
        self._index += 1

    def close(self) -> None:
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()


@dataclass(frozen=True)
class Span:
    """The stored bytes that hold plaintext ``[start, end]`` of a sealed body."""

    first_chunk: int
    stored_start: int
    stored_end: int  # inclusive
    skip: int  # plaintext bytes to drop from the first chunk opened


def span(size: int, start: int, end: int) -> Span:
    first, last = start // CHUNK, end // CHUNK
    stored_start = HEADER + first * (CHUNK + TAG)
    stored_end = min(HEADER + (last + 1) * (CHUNK + TAG), sealed_size(size)) - 1
    return Span(first_chunk=first, stored_start=stored_start, stored_end=stored_end,
                skip=start - first * CHUNK)


class RangeOpener:
    """Turns the stored bytes of ``span(size, start, end)``, fed in any pieces, into the
    plaintext ``[start, end]``; each chunk is authenticated before any of it is given out."""

    def __init__(self, sealer: Sealer, size: int, start: int, end: int) -> None:
        where = span(size, start, end)
        self._sealer = sealer
        self._chunks = chunk_count(size)
        self._last = size - (self._chunks - 1) * CHUNK + TAG
        self._index = where.first_chunk
        self._skip = where.skip
        self._remaining = end - start + 1
        self._buffer = bytearray()

    def _length(self) -> int:
        return CHUNK + TAG if self._index < self._chunks - 1 else self._last

    def feed(self, piece: bytes) -> list[bytes]:
        self._buffer += piece
        out: list[bytes] = []
        while self._remaining > 0 and len(self._buffer) >= self._length():
            length = self._length()
            plain = self._sealer.open_chunk(self._index, bytes(self._buffer[:length]),
                                            final=self._index == self._chunks - 1)
            del self._buffer[:length]
            plain = plain[self._skip:self._skip + self._remaining]
            self._skip = 0
            self._remaining -= len(plain)
            self._index += 1
            if plain:
                out.append(plain)
        return out

    def finish(self) -> None:
        if self._remaining > 0:
            raise SealError("the sealed document is truncated")


def open_all(sealer: Sealer, size: int, stored: Iterable[bytes]) -> Iterator[bytes]:
    """The whole plaintext of a sealed body given as ``stored`` pieces (header included)."""
    opener = RangeOpener(sealer, size, 0, size - 1)
    header = bytearray()
    for piece in stored:
        if len(header) < HEADER:
            take = HEADER - len(header)
            header += piece[:take]
            piece = piece[take:]
            if len(header) == HEADER:
                check_header(sealer, bytes(header))
        if piece:
            yield from opener.feed(piece)
    opener.finish()


def chunk_count(size: int) -> int:
    return max(1, -(-size // CHUNK))


def check_header(sealer: Sealer, header: bytes) -> None:
    if header != sealer.header:
        raise SealError("the sealed document's header does not match")
