"""Reading the spend cube: the sums a spend report is computed from.

Every query is scoped to whole calendar months, one currency, optionally one agency, and the
report's filters; the cube holds one row per agency, month, category, vendor, programs and
locality, so a year of a million payments is read as tens of thousands of rows, never the
payments themselves.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
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


@contextlib.asynccontextmanager
async def reading(conn: Connection) -> AsyncIterator[Connection]:
    """A report's queries in one snapshot, each run by one process: they read thousands of rows,
    where starting parallel workers or compiling costs more than it saves."""
    async with conn.transaction(readonly=True):
        await conn.execute("SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off")
        yield conn


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


def table(s: Slice, dimensions: tuple[str, ...]) -> str:
    """The smallest table with every dimension a query groups or filters by."""
    needed = {*dimensions, *(["agency"] if s.agency is not None else []), *(["vendor"] if s.vendor is not None else [])}
    if "vendor" not in needed:
        return "spend_cube_agency"
    if "agency" not in needed:
        return "spend_cube_vendor"
    return "spend_cube"


_COLUMNS = {"agency": "agency_id", "category": "category", "vendor": "vendor_id", "program": "programs",
            "local": "local", "month": "month"}


async def grouped(conn: Connection, s: Slice, dimensions: tuple[str, ...]) -> list[Any]:
    """Amount, payments and interest per combination of ``dimensions`` (columns named as them).
    Sums by the plain columns first, then unnests programs and formats the few rows left."""
    p = Params()
    where = _where(s, p)
    columns = [_COLUMNS[d] for d in dimensions]
    inner_group = f" GROUP BY {', '.join(columns)}" if columns else ""
    keys = [f"{_EXPRESSIONS[d]} AS {d}" for d in dimensions]
    lateral = f" {_PROGRAMS}" if "program" in dimensions else ""
    group = f" GROUP BY {', '.join(str(n + 1) for n in range(len(dimensions)))}" if dimensions else ""
    return await conn.fetch(
        f"SELECT {', '.join([*keys, ''])}sum(amount)::bigint AS amount, sum(payments)::bigint AS payments,"
        f" sum(interest)::bigint AS interest FROM (SELECT {', '.join([*columns, ''])}sum(amount) AS amount,"
        f" sum(payments) AS payments, sum(interest) AS interest FROM {table(s, dimensions)} WHERE {where}"
        f"{inner_group}) x{lateral}{group}", *p.values)


_SUMMED = ("sum(amount) AS amount, sum(payments) AS payments, sum(late) AS late, sum(timed) AS timed,"
           " sum(days_to_pay) AS days_to_pay, sum(interest) AS interest")
_FIGURES = ("coalesce(sum(amount), 0)::bigint AS amount, coalesce(sum(payments), 0)::bigint AS payments,"
            " coalesce(sum(late), 0)::bigint AS late, coalesce(sum(timed), 0)::bigint AS timed,"
            " coalesce(sum(days_to_pay), 0)::bigint AS days, coalesce(sum(interest), 0)::bigint AS interest")


async def overview(conn: Connection, s: Slice) -> list[Any]:
    """In one pass: the totals (``grp`` NULL, ``kind`` 'total'), each month ('month') and each
    locality ('local'), with payments, late payments, days to pay and interest."""
    p = Params()
    where = _where(s, p)
    return await conn.fetch(
        f"SELECT CASE WHEN grouping(m, l) = 3 THEN 'total' WHEN grouping(m) = 0 THEN 'month' ELSE 'local' END AS kind,"
        f" coalesce(m, l) AS grp, {_FIGURES}"
        f" FROM (SELECT to_char(month, 'YYYY-MM') AS m, {_EXPRESSIONS['local']} AS l, * FROM (SELECT month, local,"
        f" {_SUMMED} FROM {table(s, ())} WHERE {where} GROUP BY month, local) y) x GROUP BY GROUPING SETS ((m), (l), ())",
        *p.values)


async def equity_by_program(conn: Connection, s: Slice) -> list[Any]:
    """Payments, days from invoice receipt to payment, late payments and interest paid, by
    program (``none``: certified in none)."""
    p = Params()
    where = _where(s, p)
    return await conn.fetch(
        f"SELECT program AS grp, {_FIGURES} FROM (SELECT programs, {_SUMMED} FROM {table(s, ('program',))}"
        f" WHERE {where} GROUP BY programs) x {_PROGRAMS} GROUP BY 1 ORDER BY 1", *p.values)


async def vendors(conn: Connection, s: Slice, top: int) -> list[Any]:
    """In one pass over vendors: the ``top`` vendors by spend (kind 'top'), how many vendors
    there are ('count', in ``amount``), and per category ('category') its spend, vendors paid,
    Herfindahl-Hirschman index (sum of squared percentage shares, 0-10,000) and largest share."""
    p = Params()
    where = _where(s, p)
    return await conn.fetch(
        f"WITH cv AS MATERIALIZED (SELECT category, vendor_id, sum(amount)::numeric AS a, sum(payments) AS n"
        f"   FROM {table(s, ('vendor',))} WHERE {where} GROUP BY 1, 2),"
        " v AS (SELECT vendor_id, sum(a) AS a, sum(n) AS n FROM cv GROUP BY 1),"
        " paid AS (SELECT category, a, sum(a) OVER (PARTITION BY category) AS total FROM cv WHERE a > 0)"
        " (SELECT 'top' AS kind, vendor_id AS key, a::bigint AS amount, n::bigint AS payments,"
        f"   NULL::float8 AS hhi, NULL::float8 AS top_share FROM v WHERE a > 0 ORDER BY a DESC, vendor_id LIMIT {p(top)})"
        " UNION ALL SELECT 'count', NULL, count(*), NULL, NULL, NULL FROM v"
        " UNION ALL (SELECT 'category', category, total::bigint, count(*), sum((100 * a / total) ^ 2)::float8,"
        "   (100 * max(a) / total)::float8 FROM paid GROUP BY category, total ORDER BY category)", *p.values)


async def monthly_history(conn: Connection, agency: str, first: date, last: date, currency: str) -> list[Any]:
    """(category, month, amount) of one agency's months in [first, last]: the forecast's history."""
    return await conn.fetch(
        "SELECT category, month, sum(amount)::bigint AS amount FROM spend_cube_agency"
        " WHERE agency_id = $1 AND month >= $2 AND month <= $3 AND currency = $4 GROUP BY 1, 2",
        agency, first, last, currency)
