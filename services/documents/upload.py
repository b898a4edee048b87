"""Receiving one file from a multipart/form-data request body, streamed.

The body is read piece by piece from the request and parsed incrementally (the
``multipart`` package's push parser); the file's bytes go to a temporary file under the
data folder while their SHA-256 and size are computed, so a file is never held whole in
memory. Hashing, sealing and writing run in a worker thread a piece (``HANDOFF`` bytes) at
a time while the event loop parses the next: at most two pieces of a file are in memory. A file that must stay sealed (a bid's) is encrypted in that temporary file under
a key that lives only in this process's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from multipart import MultipartSegment, ParserError, PushMultipartParser, parse_options_header

from infra.blobstore import in_thread
from kernel.errors import DomainError, field_error
from services.documents.sealing import CHUNK, Sealer, SealingWriter, ephemeral_sealer, open_all
from services.documents.sniff import SNIFF_BYTES

#: room for the form's other fields and the multipart framing around the file
FORM_OVERHEAD = 64 * 1024
MAX_FIELD = 4096
FIELDS = ("title", "kind", "supersedes", "expires_on", "addendum", "question", "amendment", "certification")
#: file bytes handed to the worker thread at once
HANDOFF = 1024 * 1024


class TooLarge(DomainError):
    status = 413
    default_code = "payload_too_large"


class UnsupportedMedia(DomainError):
    status = 415
    default_code = "unsupported_media_type"


class Spool:
    """A temporary file holding one upload; deleted by ``close``."""

    def __init__(self, directory: Path, sealer: Sealer | None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"upload-{secrets.token_hex(12)}"
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._fh: BinaryIO = os.fdopen(fd, "wb")
        self.sealer = sealer
        self._writer = SealingWriter(self._fh, sealer) if sealer else None
        self.size = 0
        self.digest = hashlib.sha256()

    def write(self, data: bytes | bytearray) -> None:
        """Hash and store ``data`` (blocking: called in a worker thread)."""
        self.size += len(data)
        self.digest.update(data)
        (self._writer or self._fh).write(data)

    def finish(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._fh.close()

    def pieces(self) -> Iterator[bytes]:
        """The plaintext, a piece at a time."""
        with open(self.path, "rb") as fh:
            stored = iter(lambda: fh.read(CHUNK * 4), b"")
            if self.sealer is None:
                yield from stored
            else:
                yield from open_all(self.sealer, self.size, stored)

    def apieces(self) -> AsyncIterator[bytes]:
        """``pieces``, each read (and opened) in a worker thread."""
        return in_thread(self.pieces())

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._fh.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


@dataclass
class Received:
    fields: dict[str, str]
    filename: str
    declared_type: str | None
    size: int
    sha256: str
    head: bytes
    spool: Spool


def boundary_of(content_type: str | None) -> str:
    media_type, options = parse_options_header(content_type or "")
    if media_type != "multipart/form-data" or not options.get("boundary"):
        raise UnsupportedMedia(
            f"send the document as multipart/form-data, not {media_type or 'no content type'}",
            details={"accepted": ["multipart/form-data"]})
    return options["boundary"]


async def receive(stream: AsyncIterator[bytes], *, content_type: str | None, content_length: int | None,
                  limit: int, spool_dir: Path, seal: bool) -> Received:
    """Parse the form: one ``file`` part and the text fields. 413 as soon as the file (or
    the body) passes ``limit``; nothing of a refused upload stays on disk."""
    boundary = boundary_of(content_type)
    if content_length is not None and content_length > limit + FORM_OVERHEAD:
        raise TooLarge(f"a document may be at most {limit} bytes", details={"max_bytes": limit})
    parser = PushMultipartParser(boundary, max_segment_count=len(FIELDS) + 2)
    spool = Spool(spool_dir, ephemeral_sealer() if seal else None)
    head, pending = bytearray(), bytearray()
    received = 0
    writing: asyncio.Future[None] | None = None

    async def hand_off() -> None:
        """Give the pending bytes to the worker thread once it is done with the last ones."""
        nonlocal pending, writing
        if writing is not None:
            await writing
        piece, pending = pending, bytearray()
        writing = asyncio.ensure_future(asyncio.to_thread(spool.write, piece)) if piece else None

    fields: dict[str, str] = {}
    filename, declared = None, None
    current: MultipartSegment | None = None
    text = bytearray()
    files = 0
    total = 0
    try:
        async for chunk in stream:
            total += len(chunk)
            if total > limit + FORM_OVERHEAD:
                raise TooLarge(f"a document may be at most {limit} bytes", details={"max_bytes": limit})
            for event in parser.parse(chunk):
                if isinstance(event, MultipartSegment):
                    current, text = event, bytearray()
                    if event.name == "file":
                        files += 1
                        if files > 1:
                            raise field_error("file", "send one file per request")
                        filename, declared = event.filename or "", event.content_type
                    elif event.name not in FIELDS:
                        raise field_error(event.name or "?", f"unknown form field; send file and {', '.join(FIELDS)}")
                elif event is None:
                    if current is not None and current.name != "file":
                        try:
                            fields[current.name or ""] = text.decode("utf-8")
                        except UnicodeDecodeError:
                            raise field_error(current.name or "?", "must be UTF-8 text") from None
                    current = None
                elif current is not None and current.name == "file":
                    received += len(event)
                    if received > limit:
                        raise TooLarge(f"a document may be at most {limit} bytes", details={"max_bytes": limit})
                    if len(head) < SNIFF_BYTES:
                        head += event[: SNIFF_BYTES - len(head)]
                    pending += event
                    if len(pending) >= HANDOFF:
                        await hand_off()
                elif current is not None:
                    text += event
                    if len(text) > MAX_FIELD:
                        raise field_error(current.name or "?", f"at most {MAX_FIELD} bytes")
        for _ in parser.parse(b""):
            pass
        if not parser.closed:
            raise field_error("file", "the multipart body ended early")
        await hand_off()
        await hand_off()  # waits for the last piece
        await asyncio.to_thread(spool.finish)
    except ParserError as exc:
        await _settle(writing)
        spool.close()
        raise field_error("body", f"not a valid multipart/form-data body: {exc}") from exc
    except BaseException:
        await _settle(writing)
        spool.close()
        raise
    if files == 0:
        spool.close()
        raise field_error("file", "is required: send the document in a form field named file")
    return Received(fields=fields, filename=filename or "", declared_type=declared, size=spool.size,
                    sha256=spool.digest.hexdigest(), head=bytes(head), spool=spool)


async def _settle(writing: asyncio.Future[None] | None) -> None:
    """Let the worker thread finish its piece before the spool is removed."""
    if writing is not None:
        with contextlib.suppress(BaseException):
            await asyncio.shield(writing)

