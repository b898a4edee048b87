"""Request bodies must say they are JSON.

Without this check a body sent as ``text/plain`` or a form would still be parsed as
JSON; refusing it with 415 keeps cross-site form posts and confused clients out. Only
routes whose ``data`` is parsed as JSON are checked: a route that declares another
media type (``Body(media_type="text/csv")``) or reads no body checks for itself.
"""

from __future__ import annotations

from functools import cache

from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import AbstractMiddleware
from litestar.types import Receive, Scope, Send

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", ())}


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json"))


@cache
def _parses_json(handler: object) -> bool:
    data = handler.parsed_fn_signature.parameters.get("data")  # type: ignore[attr-defined]
    if data is None:
        return False
    media_type = getattr(data.kwarg_definition, "media_type", None)
    return media_type in (None, RequestEncodingType.JSON)


class JsonBodyMiddleware(AbstractMiddleware):
    scopes = {ScopeType.HTTP}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") in BODY_METHODS:
            headers = _headers(scope)
            has_body = headers.get(b"content-length", b"0").strip() not in (b"0", b"") or (
                b"transfer-encoding" in headers)
            media_type = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
            handler = scope.get("route_handler")
            if has_body and not _is_json(media_type) and handler is not None and _parses_json(handler):
                raise HTTPException(
                    status_code=415,
                    detail=f"send the body as application/json, not {media_type or 'no content type'}",
                    extra={"accepted": ["application/json"]},
                )
        await self.app(scope, receive, send)
