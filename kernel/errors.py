"""Domain errors. Raised in the domain, mapped to HTTP once, in infra/http/errors.py."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    default_code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details


class Invalid(DomainError):
    """The command is malformed or breaks a rule about its own content."""

    status = 422
    default_code = "invalid"


class NotFound(DomainError):
    status = 404
    default_code = "not_found"


class Conflict(DomainError):
    """The command does not fit the current state (version, lifecycle, duplicate)."""

    status = 409
    default_code = "conflict"


class NotYetVisible(Conflict):
    """The resource exists (or may exist) but the read model that shows it has not caught
    up with the store yet: retry after ``retry_after`` seconds (409 with Retry-After)."""

    default_code = "not_yet_visible"
    retry_after = 1


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"


class Unauthenticated(DomainError):
    status = 401
    default_code = "unauthenticated"


class Unavailable(DomainError):
    """A server the marketplace depends on is down; the client may retry."""

    status = 503
    default_code = "unavailable"


def field_error(field: str, message: str, *, code: str = "invalid") -> Invalid:
    """An ``Invalid`` naming the offending field, as the 422 body expects."""
    return Invalid(f"{field}: {message}", code=code, details=[{"field": field, "message": message}])
