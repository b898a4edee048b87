"""The supplier-diversity report: utilization of spend and awards, participation and
certified vendors by program, beside each agency's goals.

A vendor certified in several programs counts in each of them, so program rows may add up to
more than the total; the total row (program ``ALL``) counts each dollar, award and bid once.
"""

from __future__ import annotations

from datetime import date, timedelta

import msgspec

from infra.db import Connection
from kernel.programs import programs
from projections.diversity import figures
from projections.diversity.figures import ALL, ANY, Scope, Sums

TOTAL = "ALL"

NOTES = [
    "Spend is payments made in the period (principal, net of refunds on the day they were made).",
    "A payment, award or bid counts for a program when the vendor held a verified certification "
    "of that program valid on the payment, award or bid date.",
    "A vendor certified in several programs counts in each program; program rows can add up to "
    "more than the total. The ALL row counts each dollar, award and bid once.",
    "Commodity category is the first two digits of the solicitation's first commodity code.",
    "Certified vendors are approved vendors certified on at least one day of the period; they "
    "register with the marketplace, not an agency, so they are not split by agency.",
]


class ReportRow(msgspec.Struct, frozen=True, kw_only=True):
    group: str
    program: str
    program_name: str
    spend_total: int
    spend_certified: int
    utilization_percent: float | None
    goal_percent: float | None
    difference_percent: float | None
    award_total: int
    award_certified: int
    award_utilization_percent: float | None
    bids_total: int
    bids_certified: int
    wins_certified: int
    win_rate_percent: float | None
    certified_vendors: int | None


class DiversityReport(msgspec.Struct, frozen=True, kw_only=True):
    agency: str | None
    agency_name: str | None
    period_from: date = msgspec.field(name="from")
    period_to: date = msgspec.field(name="to")
    currency: str
    group_by: str
    notes: list[str]
    rows: list[ReportRow]


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def _months(start: date, end: date) -> list[str]:
    found, month = [], start.replace(day=1)
    while month <= end:
        found.append(month.strftime("%Y-%m"))
        month = (month + timedelta(days=32)).replace(day=1)
    return found


def _by_group(sums: Sums) -> dict[tuple[str, str], int]:
    """Drop the agency: (group, program) -> sum over agencies."""
    found: dict[tuple[str, str], int] = {}
    for (_, group, program), value in sums.items():
        found[(group, program)] = found.get((group, program), 0) + value
    return found


def _spend_by_agency(spend: Sums) -> dict[str, dict[str, int]]:
    """group -> agency -> all spend of that agency in the group (the weights of goals)."""
    found: dict[str, dict[str, int]] = {}
    for (agency, group, program), amount in spend.items():
        if program == ALL and amount > 0:
            found.setdefault(group, {})[agency] = amount
    return found


def _goal(program: str, group: str, scope: Scope, weights: dict[str, dict[str, int]],
          goals: dict[str, tuple[str | None, dict[str, float]]]) -> float | None:
    """The agency's goal; across agencies, their goals weighted by each one's total spend."""
    if scope.agency is not None:
        return goals.get(scope.agency, (None, {}))[1].get(program)
    if scope.group_by == "agency":
        return goals.get(group, (None, {}))[1].get(program)
    by_agency = weights.get(group, {})
    if not any(program in goals.get(a, (None, {}))[1] for a in by_agency):
        return None
    weighted = sum(w * goals.get(a, (None, {}))[1].get(program, 0.0) for a, w in by_agency.items())
    return round(weighted / sum(by_agency.values()), 2)


async def build_report(conn: Connection, scope: Scope) -> DiversityReport:
    spend = await figures.spend(conn, scope)
    awards = await figures.awards(conn, scope)
    bids, wins = await figures.bids(conn, scope)
    vendors = await figures.certified_vendors(conn, scope)
    goals = await figures.goals(conn, scope.agency)
    spend_g, awards_g, bids_g, wins_g = (_by_group(s) for s in (spend, awards, bids, wins))
    vendors_g = _by_group(vendors) if vendors is not None else None
    weights = _spend_by_agency(spend)

    keys = {g for sums in (spend_g, awards_g, bids_g, wins_g, vendors_g or {}) for g, _ in sums}
    match scope.group_by:
        case "month":
            groups = _months(scope.start, scope.end)
        case "program":
            groups = [""]
        case "agency":
            groups = sorted(keys | ({scope.agency} if scope.agency else set()))
        case _:
            groups = sorted(keys)
    catalog = programs()
    seen = {p for sums in (spend_g, awards_g, bids_g, vendors_g or {}) for _, p in sums}
    names = {**catalog, **{p: p for p in sorted(seen - set(catalog) - {ANY, ALL})}}

    rows = []
    for group in groups:
        total_spend = spend_g.get((group, ALL), 0)
        total_awards = awards_g.get((group, ALL), 0)
        total_bids = bids_g.get((group, ALL), 0)
        for program, name in [*names.items(), (TOTAL, "All certified vendors (each dollar once)")]:
            key = (group, ANY if program == TOTAL else program)
            certified = spend_g.get(key, 0)
            utilization = _percent(certified, total_spend)
            goal = None if program == TOTAL else _goal(program, group, scope, weights, goals)
            rows.append(ReportRow(
                group=group or "all", program=program, program_name=name,
                spend_total=total_spend, spend_certified=certified, utilization_percent=utilization,
                goal_percent=goal,
                difference_percent=round((utilization or 0.0) - goal, 2) if goal is not None and total_spend else None,
                award_total=total_awards, award_certified=awards_g.get(key, 0),
                award_utilization_percent=_percent(awards_g.get(key, 0), total_awards),
                bids_total=total_bids, bids_certified=bids_g.get(key, 0), wins_certified=wins_g.get(key, 0),
                win_rate_percent=_percent(wins_g.get(key, 0), bids_g.get(key, 0)),
                certified_vendors=None if vendors_g is None else vendors_g.get(key, 0),
            ))
    agency_name = goals.get(scope.agency, (None, {}))[0] if scope.agency else None
    return DiversityReport(agency=scope.agency, agency_name=agency_name, period_from=scope.start,
                           period_to=scope.end, currency=scope.currency, group_by=scope.group_by,
                           notes=NOTES, rows=rows)
