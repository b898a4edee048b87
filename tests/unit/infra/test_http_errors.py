"""Validation errors name the offending field, whatever Litestar reports it as."""

import msgspec
from litestar.exceptions import ValidationException

from infra.http.errors import validation_error


def body_of(exc):
    return msgspec.json.decode(msgspec.json.encode(validation_error(None, exc).content))


def test_missing_query_parameter_is_named_in_details():
    exc = ValidationException(detail="Missing required query parameter 'agency' for path /api/v1/payments/audit/verify")
    body = body_of(exc)
    assert body["error"]["code"] == "invalid"
    assert body["error"]["details"] == [{"field": "agency", "message": "is required", "source": "query"}]


def test_msgspec_path_becomes_the_field():
    exc = ValidationException(detail="Validation failed", extra=[
        {"key": "data", "message": "Expected `int`, got `str` - at `$.price.amount`", "source": "body"}])
    assert body_of(exc)["error"]["details"][0]["field"] == "price.amount"


def test_a_full_database_server_is_503_with_retry_after():
    import asyncpg

    from infra.http.errors import unexpected

    response = unexpected(None, asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"))
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert msgspec.json.decode(msgspec.json.encode(response.content))["error"]["code"] == "unavailable"
