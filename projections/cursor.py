"""Opaque keyset cursors: the sort key of the last row shown, bound to the query it came from.

A cursor is only valid for the same query (filters and sort); reusing it with another one
is a client mistake answered with 422, never a silently wrong page.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import msgspec

from kernel.errors import field_error


class _Cursor(msgspec.Struct, array_like=True):
    query: str
    key: list[Any]


def fingerprint(*parts: Any) -> str:
    """A short digest of the query a cursor belongs to."""
    return hashlib.blake2s(msgspec.json.encode(parts), digest_size=6).hexdigest()


def encode(query: str, key: list[Any]) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(_Cursor(query, key))).decode().rstrip("=")


def decode(text: str, query: str) -> list[Any]:
    """The sort key inside ``text``; 422 on ``cursor`` when it is malformed or foreign."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        cursor = msgspec.json.decode(raw, type=_Cursor)
    except (ValueError, msgspec.DecodeError) as exc:
        raise field_error("cursor", "not a cursor returned by this search") from exc
    if cursor.query != query:
        raise field_error("cursor", "belongs to a different query; start again without it")
    return cursor.key
