"""The marketplace's records key (Ed25519): signs the manifest of every records bundle."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from infra.settings import Settings
from services.records.settings import SETTINGS


def records_key(settings: Settings) -> Ed25519PrivateKey:
    """``CIVIC_RECORDS_KEY`` (PEM), or in development a key generated once into the data folder."""
    pem = SETTINGS.records_key
    if pem is None:
        path: Path = settings.data_dir / "records.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            generated = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption())
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process generated it first
                pass
            else:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(generated)
        pem = path.read_text()
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("CIVIC_RECORDS_KEY must be an Ed25519 private key")
    return key


def public_key_text(key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key, base64: what a bundle's verifier needs."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key as ``public_key_text`` or ``public_key_pem`` wrote it."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))
