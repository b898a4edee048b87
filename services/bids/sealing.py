"""Sealed bid content: AES-256-GCM under a key per solicitation.

The per-solicitation key is derived (HKDF-SHA256) from one master key: ``CIVIC_BID_KEY``
when set, else a random key generated once into ``<data_dir>/bid.key`` (mode 0600).
Every bid is bound to its bid, solicitation and vendor as associated data, so a
ciphertext copied onto another bid does not decrypt. Events hold only the ciphertext;
the service decrypts for the bidding vendor (its own bid) and at the opening.
"""

from __future__ import annotations

import base64
import functools
import os
import secrets
from pathlib import Path

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from infra.settings import Settings
from services.bids.commands import BidContent

_VERSION = "v1"
_SALT = b"civic-marketplace/sealed-bids"
_content = msgspec.json.Encoder()
_decode_content = msgspec.json.Decoder(BidContent)


class UnsealError(Exception):
    """The ciphertext does not belong to this bid or the master key changed."""


def master_key(settings: Settings) -> bytes:
    if settings.bid_key:
        return settings.bid_key.encode()
    path: Path = settings.data_dir / "bid.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(32))
    return path.read_text().strip().encode()


class BidVault:
    def __init__(self, master: bytes) -> None:
        if len(master) < 16:
            raise ValueError("the bid master key must be at least 16 bytes")
        self._master = master

    def _key(self, solicitation_id: str) -> AESGCM:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT,
                    info=f"solicitation:{solicitation_id}".encode())
        return AESGCM(hkdf.derive(self._master))

    @staticmethod
    def _aad(bid_id: str, solicitation_id: str, vendor_id: str) -> bytes:
        return f"{bid_id}\x00{solicitation_id}\x00{vendor_id}".encode()

    def seal(self, content: BidContent, *, bid_id: str, solicitation_id: str, vendor_id: str) -> str:
        nonce = secrets.token_bytes(12)
        ciphertext = self._key(solicitation_id).encrypt(
            nonce, _content.encode(content), self._aad(bid_id, solicitation_id, vendor_id))
        return f"{_VERSION}:{base64.urlsafe_b64encode(nonce + ciphertext).decode()}"

    def unseal(self, sealed: str, *, bid_id: str, solicitation_id: str, vendor_id: str) -> BidContent:
        version, _, body = sealed.partition(":")
        if version != _VERSION:
            raise UnsealError(f"unknown sealing version {version!r}")
        raw = base64.urlsafe_b64decode(body)
        try:
            plain = self._key(solicitation_id).decrypt(raw[:12], raw[12:], self._aad(bid_id, solicitation_id, vendor_id))
        except InvalidTag as exc:
            raise UnsealError("the sealed bid does not open with this key") from exc
        return _decode_content.decode(plain)


def vault_for(settings: Settings) -> BidVault:
    """The vault of the configured master key (one per key: it holds no other state)."""
    return _vault(master_key(settings))


@functools.cache
def _vault(key: bytes) -> BidVault:
    return BidVault(key)
