"""Records retention: when a person's data may be forgotten. Pure: the records come in."""

from __future__ import annotations

from datetime import datetime

import msgspec


class HolderRecords(msgspec.Struct, frozen=True, kw_only=True):
    """What the records of one vendor holding the person's data still need."""

    vendor_id: str
    open_contracts: int
    unpaid_invoices: int
    last_paid_at: datetime | None


class Retention(msgspec.Struct, frozen=True, kw_only=True):
    allowed: bool
    reason: str
    not_before: datetime | None = None


def _years_after(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def retention(holders: list[HolderRecords], now: datetime, years: int) -> Retention:
    """Forgetting waits while a holder's contract or invoice is open, and until ``years``
    after the last payment to any holder; data no vendor's records hold may go at once."""
    for h in holders:
        if h.open_contracts or h.unpaid_invoices:
            return Retention(allowed=False, reason=f"vendor {h.vendor_id} has {h.open_contracts} open"
                             f" contract(s) and {h.unpaid_invoices} unpaid invoice(s)")
    paid = [h.last_paid_at for h in holders if h.last_paid_at is not None]
    if paid:
        until = _years_after(max(paid), years)
        if now < until:
            return Retention(allowed=False, not_before=until,
                             reason=f"records are kept {years} years after the final payment, until {until.date()}")
        return Retention(allowed=True, not_before=until, reason=f"retention ended on {until.date()}")
    return Retention(allowed=True, reason="no payment records hold this data")
