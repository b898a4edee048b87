"""The one place where errors become HTTP responses.

Every error body is ``{"error": {"code": ..., "message": ..., "details": ...}}``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import asyncpg
import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from infra.db import UNAVAILABLE
from kernel.errors import DomainError

log = logging.getLogger("civic.http")

_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    503: "unavailable",
}


class ErrorDetail(msgspec.Struct):
    code: str
    message: str
    details: Any = None


class ErrorBody(msgspec.Struct):
    """The body of every error response."""

    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the error statuses a route can answer with."""
    return {
        status: ResponseSpec(data_container=ErrorBody, description=_CODES.get(status, "error"),
                             generate_examples=False)
        for status in statuses
    }


def document_error_bodies(app: Any) -> None:
    """Any route can answer 400 (malformed JSON, a bad parameter) with the error body:
    put that in the schema where Litestar would describe its own 400 shape; 422 where a
    route takes an Idempotency-Key; 429 on writes; 503 everywhere; 401 on public routes."""
    bad_request = error_responses(400)[400]
    invalid = error_responses(422)[422]
    unauthenticated = error_responses(401)[401]
    limited, unavailable = error_responses(429)[429], error_responses(503)[503]
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if 400 not in (handler.responses or {}):
                handler.responses = {400: bad_request, **(handler.responses or {})}
            # every write is counted against the caller's shared rate limit (429 with
            # Retry-After), and any route answers 503 with Retry-After while the database
            # is out of reach
            if set(getattr(handler, "http_methods", ())) & {"POST", "PUT", "PATCH", "DELETE"} \
                    and 429 not in handler.responses:
                handler.responses = {**handler.responses, 429: limited}
            if 503 not in handler.responses:
                handler.responses = {**handler.responses, 503: unavailable}
            # an Idempotency-Key longer than its limit is refused with 422 on every route
            # that takes one
            parameters = getattr(handler, "parsed_fn_signature", None)
            takes_key = parameters is not None and "idempotency_key" in parameters.parameters
            if takes_key and 422 not in handler.responses:
                handler.responses = {**handler.responses, 422: invalid}
            if not handler.resolve_guards():
                # a public route needs no token, but one that is sent must be valid (an
                # expired or forged token is a 401, never silently read as anonymous)
                handler.security = [{}, {"BearerToken": []}]
                if 401 not in handler.responses:
                    handler.responses = {**handler.responses, 401: unauthenticated}


def error_response(status: int, code: str, message: str, details: Any = None,
                   headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(
        {"error": {"code": code, "message": message, "details": details}},
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


def domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    headers = {"Retry-After": "5"} if exc.status == 503 else None
    if (retry_after := getattr(exc, "retry_after", None)) is not None:
        headers = {"Retry-After": str(retry_after)}
    if exc.status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return error_response(exc.status, exc.code, exc.message, exc.details, headers)


def validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    details = []
    for item in exc.extra or []:
        if isinstance(item, dict):
            key = item.get("key") or ""
            message = item.get("message") or ""
            field = _field_from_message(str(message)) or key
            if "unknown field `" in str(message) and key not in ("", "data"):
                field = f"{key}.{field}"  # msgspec names the unknown field; the key is where it was
            details.append({"field": field, "message": message, "source": item.get("source")})
        else:
            details.append({"message": str(item)})
    message = str(exc.detail or "invalid request")
    missing = _MISSING_PARAMETER.search(message)
    if not details and missing:
        details.append({"field": missing["name"], "message": "is required", "source": missing["source"]})
    return error_response(422, "invalid", message, details)


# Litestar: "Missing required query parameter 'agency' for path /api/v1/..."
_MISSING_PARAMETER = re.compile(r"Missing required (?P<source>\w+) parameter '(?P<name>[^']+)'")


def _field_from_message(message: str) -> str | None:
    # msgspec: "Expected `int`, got `str` - at `$.price.amount`"
    if "at `$." in message:
        return message.rsplit("at `$.", 1)[1].rstrip("`")
    if "field `" in message:
        return message.split("field `", 1)[1].split("`", 1)[0]
    return None


def http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    code = _CODES.get(status, "error")
    headers = dict(exc.headers or {})
    return error_response(status, code, str(exc.detail), exc.extra or None, headers or None)


def database_down(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.warning("database unavailable: %s", exc)
    return error_response(503, "unavailable", "the database is unavailable; retry shortly",
                          headers={"Retry-After": "5"})


def unexpected(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, _DB_DOWN):
        return database_down(_, exc)
    if isinstance(exc, RecursionError):  # msgspec refuses JSON nested past its depth limit
        return error_response(400, "bad_request", "JSON is nested too deeply")
    if isinstance(exc, _UNSTORABLE_TEXT):  # PostgreSQL text cannot hold NUL characters
        return error_response(422, "invalid", "text contains a character that cannot be stored (NUL)",
                              [{"message": "remove U+0000 characters"}])
    log.exception("unexpected error", exc_info=exc)
    return error_response(HTTP_500_INTERNAL_SERVER_ERROR, "internal_error", "internal server error")


_UNSTORABLE_TEXT = (
    asyncpg.exceptions.UntranslatableCharacterError,
    asyncpg.exceptions.CharacterNotInRepertoireError,
)

_DB_DOWN = UNAVAILABLE

EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    Exception: unexpected,
}
