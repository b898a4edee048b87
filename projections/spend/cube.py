"""Reading the spend cube: the sums a spend report is computed from.

Every query is scoped to whole calendar months, one currency, optionally one agency, and the
report's filters; the cube holds one row per agency, month, category, vendor, programs and
locality, so a year of a million payments is read as tens of thousands of rows, never the
payments themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from infra.db import Connection
from projections.sql import Params

#: what a report may group by, in the order columns appear
DIMENSIONS = ("agency", "category", "vendor", "program", "local", "month")
#: the program of a payment to a vendor certified in none
NONE = "none"
LOCAL, OTHER = "local", "other"

_EXPRESSIONS = {
    "agency": "agency_id",
    "category": "category",
    "vendor": "vendor_id",
    "program": "program",
    "local": f"CASE WHEN local THEN '{LOCAL}' ELSE '{OTHER}' END",
    "month": "to_char(month, 'YYYY-MM')",
}
_PROGRAMS = f"CROSS JOIN LATERAL unnest(CASE WHEN cardinality(programs) = 0 THEN '{{{NONE}}}'::text[] ELSE programs END) AS program"


@dataclass(frozen=True)
class Slice:
    """The months, currency and filters of a report (``None``: not filtered)."""

    first: date  # first day of the first month
    last: date  # first day of the last month
    currency: str
    agency: str | None = None
    category: str | None = None
    vendor: str | None = None
    program: str | None = None
    local: bool | None = None


def _where(s: Slice, p: Params) -> str:
    clauses = [f"month >= {p(s.first, 'date')}", f"month <= {p(s.last, 'date')}", f"currency = {p(s.currency)}"]
    if s.agency is not None:
        clauses.append(f"agency_id = {p(s.agency)}")
    if s.category is not None:
        clauses.append(f"category = {p(s.category)}")
    if s.vendor is not None:
        clauses.append(f"vendor_id = {p(s.vendor)}")
    if s.program == NONE:
        clauses.append("cardinality(programs) = 0")
    elif s.program is not None:
        clauses.append(f"{p(s.program)} = ANY(programs)")
    if s.local is not None:
        clauses.append(f"local = {p(s.local, 'boolean')}")
    return " AND ".join(clauses)


async def grouped(conn: Connection, s: Slice, dimensions: tuple[str, ...]) -> list[Any]:
    """Amount, payments and interest per combination of ``dimensions`` (columns named as them)."""
    p = Params()
    where = _where(s, p)
    keys = [f"{_EXPRESSIONS[d]} AS {d}" for d in dimensions]
    lateral = f" {_PROGRAMS}" if "program" in dimensions else ""
    group = f" GROUP BY {', '.join(str(n + 1) for n in range(len(dimensions)))}" if dimensions else ""
    return await conn.fetch(
        f"SELECT {', '.join([*keys, ''])}sum(amount)::bigint AS amount, sum(payments)::bigint AS payments,"
        f" sum(interest)::bigint AS interest FROM spend_cube{lateral} WHERE {where}{group}", *p.values)


async def totals(conn: Connection, s: Slice) -> Any:
    p = Params()
    return await conn.fetchrow(
        "SELECT coalesce(sum(amount), 0)::bigint AS amount, coalesce(sum(payments), 0)::bigint AS payments,"
        " coalesce(sum(interest), 0)::bigint AS interest, count(DISTINCT vendor_id) AS vendors"
        f" FROM spend_cube WHERE {_where(s, p)}", *p.values)


async def top_vendors(conn: Connection, s: Slice, limit: int) -> list[Any]:
    p = Params()
    where = _where(s, p)
    return await conn.fetch(
        "SELECT vendor_id, sum(amount)::bigint AS amount, sum(payments)::bigint AS payments"
        f" FROM spend_cube WHERE {where} GROUP BY 1 HAVING sum(amount) > 0 ORDER BY 2 DESC, 1 LIMIT {p(limit)}",
        *p.values)


async def concentration(conn: Connection, s: Slice) -> list[Any]:
    """Per category: spend, vendors paid, the Herfindahl-Hirschman index (sum of squared
    percentage shares of the vendors paid, 0-10,000) and the largest vendor's share."""
    p = Params()
    where = _where(s, p)
    return await conn.fetch(
        "WITH v AS (SELECT category, vendor_id, sum(amount)::numeric AS a FROM spend_cube"
        f" WHERE {where} GROUP BY 1, 2 HAVING sum(amount) > 0),"
        " t AS (SELECT category, a, sum(a) OVER (PARTITION BY category) AS total FROM v)"
        " SELECT category, total::bigint AS amount, count(*) AS vendors,"
        " sum((100 * a / total) ^ 2)::float8 AS hhi, (100 * max(a) / total)::float8 AS top_share"
        " FROM t GROUP BY category, total ORDER BY category", *p.values)


async def by_month(conn: Connection, s: Slice) -> dict[str, tuple[int, int]]:
    rows = await grouped(conn, s, ("month",))
    return {r["month"]: (r["amount"], r["payments"]) for r in rows}


async def equity(conn: Connection, s: Slice, dimension: str) -> list[Any]:
    """Payments, days from invoice receipt to payment, late payments and interest paid, by
    program (``none``: certified in none) or by locality."""
    p = Params()
    where = _where(s, p)
    lateral = f" {_PROGRAMS}" if dimension == "program" else ""
    return await conn.fetch(
        f"SELECT {_EXPRESSIONS[dimension]} AS grp, sum(amount)::bigint AS amount, sum(payments)::bigint AS payments,"
        " sum(late)::bigint AS late, sum(timed)::bigint AS timed, sum(days_to_pay)::bigint AS days,"
        f" sum(interest)::bigint AS interest FROM spend_cube{lateral} WHERE {where} GROUP BY 1 ORDER BY 1",
        *p.values)


async def monthly_history(conn: Connection, agency: str, first: date, last: date, currency: str) -> list[Any]:
    """(category, month, amount) of one agency's months in [first, last]: the forecast's history."""
    return await conn.fetch(
        "SELECT category, month, sum(amount)::bigint AS amount FROM spend_cube"
        " WHERE agency_id = $1 AND month >= $2 AND month <= $3 AND currency = $4 GROUP BY 1, 2",
        agency, first, last, currency)
