"""Sealed bid content: AES-256-GCM under a key per solicitation.

The per-solicitation key comes from the key hierarchy in ``infra/keys.py``.
Every bid is bound to its bid, solicitation and vendor as associated data, so a
ciphertext copied onto another bid does not decrypt. Events hold only the ciphertext;
the service decrypts for the bidding vendor (its own bid) and at the opening.
"""

from __future__ import annotations

import base64
import functools
import secrets

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infra.keys import master_key, solicitation_key
from infra.settings import Settings
from services.bids.commands import BidContent

_VERSION = "v1"
_content = msgspec.json.Encoder()
_decode_content = msgspec.json.Decoder(BidContent)


class UnsealError(Exception):
    """The ciphertext does not belong to this bid or the master key changed."""


class BidVault:
    def __init__(self, master: bytes) -> None:
        if len(master) < 16:
            raise ValueError("the bid master key must be at least 16 bytes")
        self._master = master

    def _key(self, solicitation_id: str) -> AESGCM:
        return AESGCM(solicitation_key(self._master, solicitation_id))

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
