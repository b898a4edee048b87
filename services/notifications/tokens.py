"""Signed one-click unsubscribe tokens: who and which kind of notice, nothing else."""

from __future__ import annotations

import base64
import hashlib
import hmac

from infra.http.auth import signing_key
from infra.settings import Settings
from kernel.errors import NotFound


def _mac(settings: Settings, payload: bytes) -> str:
    key = signing_key(settings).encode()
    return hmac.new(key, b"unsubscribe:" + payload, hashlib.sha256).hexdigest()[:32]


def unsubscribe_token(settings: Settings, sub: str, kind: str) -> str:
    payload = f"{sub}\n{kind}".encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + _mac(settings, payload)


def read_unsubscribe_token(settings: Settings, token: str) -> tuple[str, str]:
    """The (sub, kind) a token names; a forged or mangled token is simply not found."""
    encoded, _, mac = token.partition(".")
    try:
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        sub, kind = payload.decode().split("\n", 1)
    except (ValueError, UnicodeDecodeError):
        raise NotFound("no such unsubscribe link") from None
    if not hmac.compare_digest(mac, _mac(settings, payload)):
        raise NotFound("no such unsubscribe link")
    return sub, kind
