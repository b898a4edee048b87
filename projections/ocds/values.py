"""OCDS values from the marketplace's own: money in major units, dates as date-times."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from kernel.money import exponent


def value(money: dict[str, Any], *, sign: int = 1) -> dict[str, Any]:
    """``{"amount": 123456, "currency": "USD"}`` (minor units) -> ``{"amount": 1234.56, ...}``.

    Whole amounts stay integers; others are the nearest float, whose shortest repr is
    exactly the decimal amount (at most three decimals for any ISO 4217 currency).
    """
    minor = sign * int(money["amount"])
    exp = exponent(money["currency"])
    major = Decimal(minor).scaleb(-exp)
    amount: int | float = int(major) if major == major.to_integral_value() else float(major)
    return {"amount": amount, "currency": money["currency"]}


def timestamp(when: str | datetime) -> str:
    """An aware date-time in UTC, ISO 8601 with ``Z``."""
    moment = datetime.fromisoformat(when) if isinstance(when, str) else when
    if moment.tzinfo is None:
        raise ValueError(f"naive date-time {when!r}")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def day_start(day: str | date) -> str:
    """A contract date as the date-time OCDS periods want (start of the day, UTC)."""
    return f"{day if isinstance(day, str) else day.isoformat()}T00:00:00Z"


def day_end(day: str | date) -> str:
    """The last second of a contract's end date, so the period includes that whole day."""
    return f"{day if isinstance(day, str) else day.isoformat()}T23:59:59Z"
