"""Request bodies must say they are JSON, and be JSON that means one thing.

Without this check a body sent as ``text/plain`` or a form would still be parsed as
JSON; refusing it with 415 keeps cross-site form posts and confused clients out. The
one accepted media type is ``application/json``, with no parameter but an optional
``charset=utf-8`` (JSON is UTF-8, RFC 8259): other ``+json`` types (merge-patch) mean
other semantics, and another charset would be misread. A JSON object naming one key
twice is refused (422 ``duplicate_key``) instead of letting the last one win silently.
Only routes whose ``data`` is parsed as JSON are checked: a route that declares another
media type (``Body(media_type="text/csv")``) or reads no body checks for itself.

The body is also fed to the request's idempotency fingerprint (``infra/idempotency.py``)
when an ``Idempotency-Key`` is sent.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import msgspec
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import AbstractMiddleware
from litestar.types import Receive, ReceiveMessage, Scope, Send

from infra.idempotency import RequestFingerprint, forget_request, track_request
from kernel.errors import Invalid

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
ACCEPTED = "application/json"


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", ())}


def is_accepted_json(content_type: str) -> bool:
    """``application/json``, optionally with ``charset=utf-8`` and nothing else."""
    media_type, *params = [p.strip().lower() for p in content_type.split(";")]
    if media_type != ACCEPTED:
        return False
    return all(p.replace(" ", "") in ("charset=utf-8", 'charset="utf-8"') for p in params if p)


@cache
def _parses_json(handler: object) -> bool:
    data = handler.parsed_fn_signature.parameters.get("data")  # type: ignore[attr-defined]
    if data is None:
        return False
    media_type = getattr(data.kwarg_definition, "media_type", None)
    return media_type in (None, RequestEncodingType.JSON)


class _DuplicateKey(ValueError):
    pass


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def duplicate_key(body: bytes) -> str | None:
    """The first key an object of ``body`` names twice, or None. Bodies that are not
    valid JSON are left to the framework's parser, which names what is wrong."""
    try:
        msgspec.json.decode(body)  # bounded depth: the stdlib parser below is then safe
    except msgspec.DecodeError:
        return None
    try:
        json.loads(body, object_pairs_hook=_refuse_duplicates)
    except _DuplicateKey as exc:
        return str(exc)
    except (ValueError, RecursionError):
        return None
    return None


def _reading_body(receive: Receive, fingerprint: RequestFingerprint | None, json_body: bool) -> Receive:
    body = bytearray()

    async def read() -> ReceiveMessage:
        message = await receive()
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            if fingerprint is not None:
                fingerprint.feed(chunk)
            if json_body:
                body.extend(chunk)
                if not message.get("more_body", False) and (key := duplicate_key(bytes(body))):
                    raise Invalid(f"the JSON body names {key!r} more than once", code="duplicate_key",
                                  details=[{"field": key, "message": "appears more than once"}])
        return message

    return read


class JsonBodyMiddleware(AbstractMiddleware):
    scopes = {ScopeType.HTTP}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        has_body = headers.get(b"content-length", b"0").strip() not in (b"0", b"") or (
            b"transfer-encoding" in headers)
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        handler = scope.get("route_handler")
        parses_json = handler is not None and _parses_json(handler)
        if has_body and parses_json and not is_accepted_json(content_type):
            media_type = content_type.strip() or "no content type"
            raise HTTPException(
                status_code=415,
                detail=f"send the body as application/json (UTF-8), not {media_type}",
                extra={"accepted": [ACCEPTED, "application/json; charset=utf-8"]},
            )
        fingerprint = None
        if b"idempotency-key" in headers:
            fingerprint = track_request(str(scope.get("method", "")), scope["path"], scope.get("query_string", b""))
        try:
            if parses_json or fingerprint is not None:
                receive = _reading_body(receive, fingerprint, parses_json)
            await self.app(scope, receive, send)
        finally:
            if fingerprint is not None:
                forget_request()
