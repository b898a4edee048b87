"""Reading the diversity read model: the raw sums a report is computed from.

Every query is scoped to a period, a currency and optionally one agency, and returns sums
keyed by (agency, group, program). Whole calendar months of spend come from the monthly
totals and only the partial months at the edges from the daily ones, so a one-year report
reads a few thousand rows however many payments there were.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import asyncpg
import msgspec

from projections.search.sql import Params

GROUPS = ("program", "agency", "category", "month")

#: keys of the totals: a program, '_any' (certified in at least one program) or '_all'
ANY, ALL = "_any", "_all"


@dataclass(frozen=True)
class Scope:
    start: date
    end: date
    currency: str
    group_by: str
    agency: str | None = None


Sums = dict[tuple[str, str, str], int]  # (agency, group, program) -> amount or count


def _group_sql(group_by: str, day: str, category: str, agency: str) -> str:
    match group_by:
        case "agency":
            return agency
        case "category":
            return category
        case "month":
            return f"to_char({day}, 'YYYY-MM')"
    return "''"


def whole_months(start: date, end: date) -> tuple[date, date] | None:
    """[first, after) of the whole calendar months inside [start, end], if any."""
    first = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    after = (end + timedelta(days=1)).replace(day=1)
    return (first, after) if first < after else None


async def spend(conn: asyncpg.Connection, scope: Scope) -> Sums:
    p = Params()
    currency = p(scope.currency)
    agency = f" AND agency_id = {p(scope.agency)}" if scope.agency else ""
    start, end = p(scope.start, "date"), p(scope.end, "date")
    months = whole_months(scope.start, scope.end)
    parts = []
    if months:
        first, after = p(months[0], "date"), p(months[1], "date")
        parts.append(f"SELECT agency_id, month AS day, category, program, amount FROM diversity_spend_monthly"
                     f" WHERE month >= {first} AND month < {after} AND currency = {currency}{agency}")
        edges = f"((day >= {start} AND day < {first}) OR (day >= {after} AND day <= {end}))"
    else:
        edges = f"day >= {start} AND day <= {end}"
    parts.append(f"SELECT agency_id, day, category, program, amount FROM diversity_spend_daily"
                 f" WHERE {edges} AND currency = {currency}{agency}")
    group = _group_sql(scope.group_by, "day", "category", "agency_id")
    sql = (f"SELECT agency_id, {group} AS grp, program, sum(amount)::bigint AS amount"
           f" FROM ({' UNION ALL '.join(parts)}) s GROUP BY 1, 2, 3")
    return {(r["agency_id"], r["grp"], r["program"]): r["amount"] for r in await conn.fetch(sql, *p.values)}


def _spread(rows: list[asyncpg.Record], *fields: str) -> list[Sums]:
    """Rows carrying a ``programs`` array -> sums per program, plus ANY and ALL."""
    found: list[Sums] = [defaultdict(int) for _ in fields]
    for row in rows:
        buckets = [*row["programs"], ALL] + ([ANY] if row["programs"] else [])
        for sums, name in zip(found, fields, strict=True):
            for program in buckets:
                sums[(row["agency_id"], row["grp"], program)] += row[name]
    return [dict(s) for s in found]


async def awards(conn: asyncpg.Connection, scope: Scope) -> Sums:
    p = Params()
    agency = f" AND agency_id = {p(scope.agency)}" if scope.agency else ""
    group = _group_sql(scope.group_by, "awarded_on", "category", "agency_id")
    rows = await conn.fetch(
        f"SELECT agency_id, {group} AS grp, programs, sum(amount)::bigint AS amount FROM diversity_awards"
        f" WHERE NOT cancelled AND awarded_on >= {p(scope.start, 'date')} AND awarded_on <= {p(scope.end, 'date')}"
        f" AND currency = {p(scope.currency)}{agency} GROUP BY 1, 2, 3", *p.values)
    return _spread(rows, "amount")[0]


async def bids(conn: asyncpg.Connection, scope: Scope) -> tuple[Sums, Sums]:
    """Bids (not withdrawn) received in the period, and how many of them won an award."""
    p = Params()
    agency = f" AND agency_id = {p(scope.agency)}" if scope.agency else ""
    group = _group_sql(scope.group_by, "received_on", "category", "agency_id")
    rows = await conn.fetch(
        f"SELECT agency_id, {group} AS grp, programs, count(*) AS bids, count(*) FILTER (WHERE won) AS wins"
        f" FROM diversity_bids WHERE NOT withdrawn AND received_on >= {p(scope.start, 'date')}"
        f" AND received_on <= {p(scope.end, 'date')}{agency} GROUP BY 1, 2, 3", *p.values)
    submitted, won = _spread(rows, "bids", "wins")
    return submitted, won


async def certified_vendors(conn: asyncpg.Connection, scope: Scope) -> Sums | None:
    """Vendors approved and certified (verified, valid) on at least one day of the period — or
    of each month, or per commodity category they registered. Vendors register with the
    marketplace, not with an agency, so there is no count per agency (``None``)."""
    if scope.group_by == "agency":
        return None
    p = Params()
    start, end = p(scope.start, "date"), p(scope.end, "date")
    # the days on which each certification counted: approved, verified, effective, not expired
    windows = ("SELECT c.vendor_id, c.program, v.commodity_codes,"
               " greatest(c.effective_date, c.verified_on, v.approved_on) AS lo,"
               " least(c.expiry_date, c.ended_on - 1) AS hi"
               " FROM diversity_certifications c JOIN diversity_vendors v USING (vendor_id)"
               " WHERE NOT c.rejected AND c.verified_on IS NOT NULL AND v.approved_on IS NOT NULL")
    match scope.group_by:
        case "month":
            rows_sql = (f"SELECT to_char(m, 'YYYY-MM') AS grp, w.program, w.vendor_id FROM w"
                        f" JOIN generate_series(date_trunc('month', {start}::timestamp), {end}::timestamp,"
                        " interval '1 month') m ON w.lo < m + interval '1 month' AND w.hi >= m::date")
        case "category":
            rows_sql = ("SELECT left(regexp_replace(code, '[^0-9]', '', 'g'), 2) AS grp, w.program, w.vendor_id"
                        " FROM w CROSS JOIN LATERAL unnest(w.commodity_codes) code")
        case _:
            rows_sql = "SELECT '' AS grp, w.program, w.vendor_id FROM w"
    rows = await conn.fetch(
        f"WITH w AS (SELECT * FROM ({windows}) c WHERE lo <= hi AND lo <= {end} AND hi >= {start}),"
        f" x AS ({rows_sql})"
        " SELECT grp, program, count(DISTINCT vendor_id) AS n FROM x GROUP BY grp, program"
        " UNION ALL SELECT grp, NULL, count(DISTINCT vendor_id) FROM x GROUP BY grp", *p.values)
    return {("", r["grp"], r["program"] or ANY): r["n"] for r in rows}


async def goals(conn: asyncpg.Connection, agency: str | None) -> dict[str, tuple[str | None, dict[str, float]]]:
    """agency -> (name, program -> goal percent)."""
    rows = await conn.fetch(
        "SELECT agency_id, name, goals::text AS goals FROM diversity_agencies"
        + (" WHERE agency_id = $1" if agency else ""), *([agency] if agency else []))
    return {r["agency_id"]: (r["name"], {g["program"]: float(g["percent"]) for g in msgspec.json.decode(r["goals"])})
            for r in rows}
