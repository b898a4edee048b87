"""Sealed bid content: AES-256-GCM under a key per solicitation.

The per-solicitation key is derived (HKDF-SHA256) from a versioned master key of the key
ring (``infra/keys.py``; version 1 is ``CIVIC_BID_KEY``, or ``<data_dir>/bid.key``).
The envelope records the version that sealed it: ``v2:<version>:<base64>``; the first
format, ``v1:<base64>``, was always sealed under version 1. So a bid sealed before
``civic keys rotate bids`` opens after it. Every bid is bound to its bid, solicitation
and vendor as associated data, so a ciphertext copied onto another bid does not decrypt.
Events hold only the ciphertext; the service decrypts for the bidding vendor (its own
bid) and at the opening.
"""

from __future__ import annotations

import base64
import functools
import secrets
from collections.abc import Callable

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infra.keys import KeyRing, keyring_for, solicitation_key
from infra.settings import Settings
from services.bids.commands import BidContent

_FORMAT = "v2"
_content = msgspec.json.Encoder()
_decode_content = msgspec.json.Decoder(BidContent)


class UnsealError(Exception):
    """The ciphertext does not belong to this bid or the master key changed."""


def master_key(settings: Settings) -> bytes:
    """The active master key (the one new bids are sealed under)."""
    return keyring_for(settings).active_bid()[1]


MasterKeys = Callable[[int], bytes | None]


class BidVault:
    """Seals under the active master key version, opens under the version recorded."""

    def __init__(self, master: bytes | None = None, *, active: Callable[[], tuple[int, bytes]] | None = None,
                 versions: MasterKeys | None = None) -> None:
        if master is not None:  # one fixed key, version 1
            active, versions = (lambda: (1, master)), (lambda v: master if v == 1 else None)
        if active is None or versions is None:
            raise ValueError("a master key, or the active key and the versions")
        self._active, self._versions = active, versions
        if len(active()[1]) < 16:
            raise ValueError("the bid master key must be at least 16 bytes")

    @staticmethod
    def _key(master: bytes, solicitation_id: str) -> AESGCM:
        return AESGCM(solicitation_key(master, solicitation_id))

    @staticmethod
    def _aad(bid_id: str, solicitation_id: str, vendor_id: str) -> bytes:
        return f"{bid_id}\x00{solicitation_id}\x00{vendor_id}".encode()

    def seal(self, content: BidContent, *, bid_id: str, solicitation_id: str, vendor_id: str) -> str:
        version, master = self._active()
        nonce = secrets.token_bytes(12)
        ciphertext = self._key(master, solicitation_id).encrypt(
            nonce, _content.encode(content), self._aad(bid_id, solicitation_id, vendor_id))
        return f"{_FORMAT}:{version}:{base64.urlsafe_b64encode(nonce + ciphertext).decode()}"

    @staticmethod
    def key_version(sealed: str) -> int:
        """The master key version a sealed bid needs."""
        fmt, _, rest = sealed.partition(":")
        if fmt == "v1":
            return 1
        version, _, _ = rest.partition(":")
        if fmt != _FORMAT or not version.isdigit():
            raise UnsealError(f"unknown sealing format {fmt!r}")
        return int(version)

    def unseal(self, sealed: str, *, bid_id: str, solicitation_id: str, vendor_id: str) -> BidContent:
        version = self.key_version(sealed)
        body = sealed.rpartition(":")[2]
        master = self._versions(version)
        if master is None:
            raise UnsealError(f"the key ring holds no bid key version {version}")
        raw = base64.urlsafe_b64decode(body)
        try:
            plain = self._key(master, solicitation_id).decrypt(
                raw[:12], raw[12:], self._aad(bid_id, solicitation_id, vendor_id))
        except InvalidTag as exc:
            raise UnsealError("the sealed bid does not open with this key") from exc
        return _decode_content.decode(plain)


def vault_for(settings: Settings) -> BidVault:
    """The vault of the configured key ring (one per ring: the ring re-reads its file when
    keys rotate, so the vault holds no other state)."""
    return _vault(keyring_for(settings))


@functools.cache
def _vault(ring: KeyRing) -> BidVault:
    return BidVault(active=ring.active_bid, versions=ring.bid)
