"""The spend report: spend paid by any combination of agency, commodity category, vendor,
certification program, locality and month, with top vendors, vendor concentration per
category, month-over-month trends and payment equity.
"""

from __future__ import annotations

from typing import Any

import msgspec

from infra.db import Connection
from projections.spend import cube
from projections.spend.cube import Slice
from projections.spend.months import month_name, months_between

TOP_VENDORS = 10
#: HHI bands of the 2023 U.S. Merger Guidelines: above 1,800 highly concentrated
MODERATE, HIGH = 1000.0, 1800.0

NOTES = [
    "Spend is principal of payments Stripe confirmed in the period, net of refunds in the month they were made; "
    "interest is late-payment interest paid with them.",
    "A payment's program is each certification program its vendor held, verified and valid, on the payment date "
    "('none': certified in none); a vendor certified in several programs counts in each, so program rows can "
    "add up to more than the total.",
    "A payment is local when its vendor claimed the paying agency's jurisdiction on the payment date.",
    "Commodity category is the first two digits of the first commodity code of the contract's solicitation.",
    "Concentration is the Herfindahl-Hirschman index of the category: the sum of the squared percentage shares "
    "of spend of the vendors paid (0-10,000); above 1,800 highly concentrated, 1,000-1,800 moderately "
    "(2023 U.S. Merger Guidelines).",
    "Payment equity: days from the invoice's (last) receipt to the payment date, payments made after their "
    "prompt-payment due date, and interest paid, by program and for local vendors against others.",
]


class SpendRow(msgspec.Struct, frozen=True, kw_only=True):
    """One combination of the grouped dimensions; a dimension not grouped by is ``None``."""

    agency: str | None = None
    category: str | None = None
    vendor: str | None = None
    program: str | None = None
    local: str | None = None
    month: str | None = None
    amount: int
    payments: int
    interest: int
    share_percent: float | None


class Totals(msgspec.Struct, frozen=True, kw_only=True):
    amount: int
    payments: int
    interest: int
    vendors: int


class VendorSpend(msgspec.Struct, frozen=True, kw_only=True):
    vendor_id: str
    amount: int
    payments: int
    share_percent: float | None


class Concentration(msgspec.Struct, frozen=True, kw_only=True):
    category: str
    amount: int
    vendors: int
    #: Herfindahl-Hirschman index, 0-10,000
    hhi: float
    top_vendor_share_percent: float
    #: "unconcentrated", "moderate" or "high"
    level: str


class MonthTrend(msgspec.Struct, frozen=True, kw_only=True):
    month: str
    amount: int
    payments: int
    #: against the month before (``None``: the first month, or nothing paid the month before)
    change_percent: float | None


class EquityRow(msgspec.Struct, frozen=True, kw_only=True):
    group: str
    payments: int
    amount: int
    #: mean days from invoice receipt to payment (``None``: no receipt on record)
    average_days_to_pay: float | None
    late_payments: int
    late_share_percent: float | None
    interest_paid: int


class Equity(msgspec.Struct, frozen=True, kw_only=True):
    by_program: list[EquityRow]
    by_locality: list[EquityRow]


class SpendReport(msgspec.Struct, frozen=True, kw_only=True):
    agency: str | None
    period_from: str = msgspec.field(name="from")
    period_to: str = msgspec.field(name="to")
    currency: str
    group_by: list[str]
    filters: dict[str, str]
    notes: list[str]
    totals: Totals
    rows: list[SpendRow]
    top_vendors: list[VendorSpend]
    concentration: list[Concentration]
    trends: list[MonthTrend]
    equity: Equity


def percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def level(hhi: float) -> str:
    return "high" if hhi > HIGH else "moderate" if hhi >= MODERATE else "unconcentrated"


def trends(s: Slice, months: dict[str, tuple[int, int]]) -> list[MonthTrend]:
    found: list[MonthTrend] = []
    before: int | None = None
    for first in months_between(s.first, s.last):
        name = month_name(first)
        amount, payments = months.get(name, (0, 0))
        change: float | None = round(100.0 * (amount - before) / before, 2) if before else None
        found.append(MonthTrend(month=name, amount=amount, payments=payments, change_percent=change))
        before = amount
    return found


def _equity_row(row: Any) -> EquityRow:
    return EquityRow(group=row["grp"], payments=row["payments"], amount=row["amount"],
                     average_days_to_pay=round(row["days"] / row["timed"], 2) if row["timed"] else None,
                     late_payments=row["late"], late_share_percent=percent(row["late"], row["payments"]),
                     interest_paid=row["interest"])


async def build_report(conn: Connection, s: Slice, group_by: tuple[str, ...]) -> SpendReport:
    async with cube.reading(conn):
        return await _build(conn, s, group_by)


async def _build(conn: Connection, s: Slice, group_by: tuple[str, ...]) -> SpendReport:
    overview = await cube.overview(conn, s)
    [total] = [r for r in overview if r["kind"] == "total"]
    whole = total["amount"]
    rows = [SpendRow(**{d: r[d] for d in group_by}, amount=r["amount"], payments=r["payments"],
                     interest=r["interest"], share_percent=percent(r["amount"], whole))
            for r in await cube.grouped(conn, s, group_by)]
    rows.sort(key=lambda r: tuple("" if getattr(r, d) is None else getattr(r, d) for d in group_by))
    by_vendor = await cube.vendors(conn, s, TOP_VENDORS)
    top = [VendorSpend(vendor_id=r["key"], amount=r["amount"], payments=r["payments"],
                       share_percent=percent(r["amount"], whole)) for r in by_vendor if r["kind"] == "top"]
    concentration = [Concentration(category=r["key"], amount=r["amount"], vendors=r["payments"],
                                   hhi=round(r["hhi"], 1), top_vendor_share_percent=round(r["top_share"], 2),
                                   level=level(r["hhi"]))
                     for r in by_vendor if r["kind"] == "category"]
    vendor_count = next(r["amount"] for r in by_vendor if r["kind"] == "count")
    equity = Equity(by_program=[_equity_row(r) for r in await cube.equity_by_program(conn, s)],
                    by_locality=sorted((_equity_row(r) for r in overview if r["kind"] == "local"),
                                       key=lambda r: r.group))
    months = {r["grp"]: (r["amount"], r["payments"]) for r in overview if r["kind"] == "month"}
    filters = {name: str(value).lower() if isinstance(value, bool) else value
               for name, value in (("category", s.category), ("vendor", s.vendor), ("program", s.program),
                                   ("local", s.local)) if value is not None}
    return SpendReport(agency=s.agency, period_from=month_name(s.first), period_to=month_name(s.last),
                       currency=s.currency, group_by=list(group_by), filters=filters, notes=NOTES,
                       totals=Totals(amount=whole, payments=total["payments"], interest=total["interest"],
                                     vendors=vendor_count),
                       rows=rows, top_vendors=top, concentration=concentration,
                       trends=trends(s, months), equity=equity)
