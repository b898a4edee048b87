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

import msgspec

from infra.db import Connection
from projections.sql import Params

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


async def spend(conn: Connection, scope: Scope) -> Sums:
    p = Params()
    currency = p(scope.currency)
    agency = f" AND agency_id = {p(scope.agency)}" if scope.agency else ""
    months = whole_months(scope.start, scope.end)
    daily = f"SELECT agency_id, day, category, program, amount FROM diversity_spend_daily WHERE currency = {currency}{agency}"
    parts = []
    if months:
        first, after = months
        parts.append(f"SELECT agency_id, month AS day, category, program, amount FROM diversity_spend_monthly"
                     f" WHERE month >= {p(first, 'date')} AND month < {p(after, 'date')}"
                     f" AND currency = {currency}{agency}")
        if scope.start < first:
            parts.append(f"{daily} AND day >= {p(scope.start, 'date')} AND day < {p(first, 'date')}")
        if after <= scope.end:
            parts.append(f"{daily} AND day >= {p(after, 'date')} AND day <= {p(scope.end, 'date')}")
    else:
        parts.append(f"{daily} AND day >= {p(scope.start, 'date')} AND day <= {p(scope.end, 'date')}")
    group = _group_sql(scope.group_by, "day", "category", "agency_id")
    sql = (f"SELECT agency_id, {group} AS grp, program, sum(amount)::bigint AS amount"
           f" FROM ({' UNION ALL '.join(parts)}) s GROUP BY 1, 2, 3")
    return {(r["agency_id"], r["grp"], r["program"]): r["amount"] for r in await conn.fetch(sql, *p.values)}


#: a fact's programs, '_any' once if it has one, and '_all': the keys it adds to
BUCKETS = ("unnest(programs || '{_all}'::text[] || CASE WHEN cardinality(programs) > 0"
           " THEN '{_any}'::text[] ELSE '{}'::text[] END)")


async def awards(conn: Connection, scope: Scope) -> Sums:
    p = Params()
    agency = f" AND agency_id = {p(scope.agency)}" if scope.agency else ""
    group = _group_sql(scope.group_by, "awarded_on", "category", "agency_id")
    rows = await conn.fetch(
        f"SELECT agency_id, {group} AS grp, program, sum(amount)::bigint FROM diversity_awards"
        f" CROSS JOIN LATERAL {BUCKETS} AS program"
        f" WHERE NOT cancelled AND awarded_on >= {p(scope.start, 'date')} AND awarded_on <= {p(scope.end, 'date')}"
        f" AND currency = {p(scope.currency)}{agency} GROUP BY 1, 2, 3", *p.values)
    return {(agency_id, grp, program): amount for agency_id, grp, program, amount in rows}


async def bids(conn: Connection, scope: Scope) -> tuple[Sums, Sums]:
    """Bids (not withdrawn) received in the period, and how many of them won an award."""
    p = Params()
    agency = f" AND agency_id = {p(scope.agency)}" if scope.agency else ""
    group = _group_sql(scope.group_by, "received_on", "category", "agency_id")
    rows = await conn.fetch(
        f"SELECT agency_id, {group} AS grp, program, count(*), count(*) FILTER (WHERE won)"
        f" FROM diversity_bids CROSS JOIN LATERAL {BUCKETS} AS program"
        f" WHERE NOT withdrawn AND received_on >= {p(scope.start, 'date')}"
        f" AND received_on <= {p(scope.end, 'date')}{agency} GROUP BY 1, 2, 3", *p.values)
    submitted = {(agency_id, grp, program): n for agency_id, grp, program, n, _ in rows}
    won = {(agency_id, grp, program): n for agency_id, grp, program, _, n in rows}
    return submitted, won


def _months(start: date, end: date) -> list[tuple[str, date, date]]:
    """(YYYY-MM, first day, last day) of each month the period touches, clipped to it."""
    found = []
    month = start.replace(day=1)
    while month <= end:
        following = (month + timedelta(days=32)).replace(day=1)
        found.append((month.strftime("%Y-%m"), max(month, start), min(following - timedelta(days=1), end)))
        month = following
    return found


async def certified_vendors(conn: Connection, scope: Scope) -> Sums | None:
    """Vendors approved and certified (verified, valid) on at least one day of the period — or
    of each month, or per commodity category they registered. Vendors register with the
    marketplace, not with an agency, so there is no count per agency (``None``)."""
    if scope.group_by == "agency":
        return None
    # the days on which each certification counted: approved, verified, effective, not expired
    rows = await conn.fetch(
        "SELECT * FROM (SELECT c.vendor_id, c.program, v.commodity_codes,"
        " greatest(c.effective_date, c.verified_on, v.approved_on) AS lo,"
        " least(c.expiry_date, c.ended_on - 1) AS hi"
        " FROM diversity_certifications c JOIN diversity_vendors v USING (vendor_id)"
        " WHERE NOT c.rejected AND c.verified_on IS NOT NULL AND v.approved_on IS NOT NULL) w"
        " WHERE lo <= hi AND lo <= $2 AND hi >= $1", scope.start, scope.end)
    periods = _months(scope.start, scope.end) if scope.group_by == "month" else [("", scope.start, scope.end)]
    vendors: dict[tuple[str, str], set[str]] = defaultdict(set)
    for vendor, program, codes, lo, hi in rows:
        for name, first, last in periods:
            if lo <= last and hi >= first:
                groups = [name]
                if scope.group_by == "category":
                    groups = sorted({"".join(ch for ch in code if ch.isdigit())[:2] for code in codes})
                for group in groups:
                    vendors[(group, program)].add(vendor)
                    vendors[(group, ANY)].add(vendor)
    return {("", group, program): len(found) for (group, program), found in vendors.items()}


async def goals(conn: Connection, agency: str | None) -> dict[str, tuple[str | None, dict[str, float]]]:
    """agency -> (name, program -> goal percent)."""
    rows = await conn.fetch(
        "SELECT agency_id, name, goals::text AS goals FROM diversity_agencies"
        + (" WHERE agency_id = $1" if agency else ""), *([agency] if agency else []))
    return {r["agency_id"]: (r["name"], {g["program"]: float(g["percent"]) for g in msgspec.json.decode(r["goals"])})
            for r in rows}
