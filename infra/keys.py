"""The key hierarchy of sealed content: one master key, one key per solicitation.

The master key is ``CIVIC_BID_KEY`` when set, else a random key generated once into
``<data_dir>/bid.key`` (mode 0600). Each solicitation's key is derived from it
(HKDF-SHA256); sealed bids and sealed bid documents are encrypted under keys derived
from their solicitation's key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from infra.settings import Settings

_SALT = b"civic-marketplace/sealed-bids"


def master_key(settings: Settings) -> bytes:
    if settings.bid_key:
        return settings.bid_key.encode()
    path: Path = settings.data_dir / "bid.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process of the same data folder wrote it first
            return path.read_text().strip().encode()
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(32))
    return path.read_text().strip().encode()


def solicitation_key(master: bytes, solicitation_id: str) -> bytes:
    """The 32-byte key of one solicitation's sealed content."""
    if len(master) < 16:
        raise ValueError("the bid master key must be at least 16 bytes")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT,
                info=f"solicitation:{solicitation_id}".encode())
    return hkdf.derive(master)


def subkey(key: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose, derived from ``key``."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(key)
