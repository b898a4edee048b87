"""What makes a repeated request "the same request": a fingerprint of the HTTP request
(method, path, query and the JSON body in canonical form) that the executor stores with
the events of an idempotent command and compares when the command id comes again.

The HTTP edge opens a fingerprint for each request (``track_request``) and feeds it the
body as the framework reads it; commands run outside a request (reactors, timers, the
command line) have none, and are compared by their stream alone.
"""

from __future__ import annotations

import hashlib
from contextvars import ContextVar

import msgspec


class RequestFingerprint:
    """The request being served, filled in as its body is read."""

    __slots__ = ("_head", "_body")

    def __init__(self, method: str, path: str, query: bytes) -> None:
        self._head = f"{method} {path}?{query.decode('latin-1')}".encode()
        self._body = bytearray()

    def feed(self, chunk: bytes) -> None:
        self._body.extend(chunk)

    def digest(self) -> str:
        body = bytes(self._body)
        try:  # the same JSON document, however it is spaced or its keys are ordered
            body = msgspec.json.encode(msgspec.json.decode(body), order="sorted") if body else b""
        except (msgspec.DecodeError, msgspec.EncodeError):
            pass
        return hashlib.sha256(self._head + b"\n" + body).hexdigest()


_current: ContextVar[RequestFingerprint | None] = ContextVar("civic_request_fingerprint", default=None)


def track_request(method: str, path: str, query: bytes) -> RequestFingerprint:
    """Start the fingerprint of the request served in this context."""
    fingerprint = RequestFingerprint(method, path, query)
    _current.set(fingerprint)
    return fingerprint


def forget_request() -> None:
    """The request is answered: commands run after it in this context are not part of it."""
    _current.set(None)


def request_fingerprint() -> str | None:
    """The fingerprint of the request being served, or None outside a request."""
    current = _current.get()
    return current.digest() if current is not None else None
