"""Red flags computed from what a contracting process recorded: pure functions, no I/O.

``Process`` is what the projection keeps of one process between events; ``process_flags``
raises the flags of that process alone, ``dominant_suppliers`` and ``cross_agency_splits``
those that compare processes. Every flag carries the date it became true (from the
events), so that a rebuild raises the same flags with the same dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

import msgspec

from projections.risk_flags import definitions as d


class Bid(msgspec.Struct, kw_only=True):
    bid_id: str
    vendor_id: str
    amount: int
    counts: bool = True


class Process(msgspec.Struct, kw_only=True):
    solicitation_id: str
    agency_id: str = ""
    title: str = ""
    method: str = ""
    commodity_codes: list[str] = []
    estimated_amount: int = 0
    published_at: datetime | None = None
    deadline: datetime | None = None
    addenda: int = 0
    late_change_at: datetime | None = None
    opened_at: datetime | None = None
    bids: list[Bid] = []
    disqualified: list[str] = []
    basis: str = ""
    scored_at: datetime | None = None
    splitting_warned_at: datetime | None = None
    #: the final award: winner, value and when
    winner_vendor: str | None = None
    winner_bid: str | None = None
    award_value: int = 0
    awarded_at: datetime | None = None
    winner_excluded: bool = False
    #: contracts of the process: value at award, current value, net payments, last change
    contract_value: int = 0
    contract_current: int = 0
    amended_at: datetime | None = None
    paid: int = 0
    paid_at: datetime | None = None


class Flag(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    as_of: date
    detail: str


def _day(at: datetime | None) -> date:
    return at.date() if at is not None else date(1970, 1, 1)


def _close(a: int, b: int) -> bool:
    return b > 0 and abs(a - b) <= d.CLOSE_SHARE * b


def process_flags(p: Process) -> list[Flag]:
    """The flags one process raises on its own, in the order of ``DEFINITIONS``."""
    found: list[Flag] = []
    counted = [b for b in p.bids if b.counts]
    if p.opened_at is not None and p.method in ("open", "selective") and len(counted) == 1:
        found.append(Flag(code="single_bid", as_of=_day(p.opened_at), detail="1 bid counted at the opening"))
    norm = d.NORMAL_PERIOD_DAYS.get(p.method)
    if norm is not None and p.published_at is not None and p.deadline is not None:
        days = (p.deadline - p.published_at).total_seconds() / 86400
        if days < norm:
            found.append(Flag(code="short_submission_period", as_of=_day(p.published_at),
                              detail=f"{days:.1f} days to bid; the norm for {p.method} is {norm}"))
    if p.addenda >= d.MANY_ADDENDA or p.late_change_at is not None:
        reason = [f"{p.addenda} addenda"] if p.addenda >= d.MANY_ADDENDA else []
        if p.late_change_at is not None:
            reason.append("deadline changed within days of the deadline")
        found.append(Flag(code="late_changes", as_of=_day(p.late_change_at or p.deadline), detail="; ".join(reason)))
    disqualified = set(p.disqualified)
    if p.scored_at is not None and counted:
        lowest = min(counted, key=lambda b: (b.amount, b.bid_id))
        if p.basis == "lowest_price" and lowest.bid_id in disqualified:
            found.append(Flag(code="lowest_bid_disqualified", as_of=_day(p.scored_at),
                              detail=f"bid {lowest.bid_id} was the lowest and was disqualified"))
        if (p.winner_bid is not None and len(counted) >= 2
                and all(b.bid_id in disqualified for b in counted if b.bid_id != p.winner_bid)):
            found.append(Flag(code="all_but_winner_disqualified", as_of=_day(p.awarded_at or p.scored_at),
                              detail=f"{len(counted) - 1} of {len(counted)} bids disqualified"))
    by_price: dict[int, set[str]] = defaultdict(set)
    for bid in counted:
        by_price[bid.amount].add(bid.vendor_id)
    same = sorted(amount for amount, vendors in by_price.items() if len(vendors) > 1)
    if p.opened_at is not None and same:
        found.append(Flag(code="identical_bid_prices", as_of=_day(p.opened_at),
                          detail=f"{len(by_price[same[0]])} vendors bid {same[0]} (minor units)"))
    if p.winner_vendor is not None:
        if _close(p.award_value, p.estimated_amount):
            found.append(Flag(code="price_close_to_estimate", as_of=_day(p.awarded_at),
                              detail=f"awarded {p.award_value} against an estimate of {p.estimated_amount}"))
        others = sorted(b.amount for b in counted if b.bid_id != p.winner_bid and b.bid_id not in disqualified)
        if others and _close(others[0], p.award_value):
            found.append(Flag(code="price_close_to_next_bid", as_of=_day(p.awarded_at),
                              detail=f"next bid {others[0]} against the winning {p.award_value}"))
    if p.splitting_warned_at is not None:
        found.append(Flag(code="splitting", as_of=_day(p.splitting_warned_at),
                          detail="the splitting check warned at publication"))
    if p.winner_vendor is not None and p.winner_excluded:
        found.append(Flag(code="excluded_vendor_awarded", as_of=_day(p.awarded_at),
                          detail=f"vendor {p.winner_vendor} matched the exclusion list"))
    if p.contract_value > 0 and p.contract_current - p.contract_value > d.AMENDMENT_SHARE * p.contract_value:
        share = (p.contract_current - p.contract_value) / p.contract_value
        found.append(Flag(code="large_amendments", as_of=_day(p.amended_at),
                          detail=f"value raised by {share:.0%} since award"))
    if p.contract_current > 0 and p.paid > p.contract_current:
        found.append(Flag(code="payments_beyond_value", as_of=_day(p.paid_at),
                          detail=f"paid {p.paid} against a value of {p.contract_current}"))
    return found


class Award(msgspec.Struct, frozen=True, kw_only=True):
    """A final award, as the cross-process flags compare them."""

    solicitation_id: str
    agency_id: str
    vendor_id: str
    family: str
    value: int
    awarded_at: datetime


def dominant_suppliers(awards: Iterable[Award]) -> dict[str, Flag]:
    """Per solicitation: the flag when its winner holds most of the buyer's awards in its family."""
    groups: dict[tuple[str, str], list[Award]] = defaultdict(list)
    for award in awards:
        groups[(award.agency_id, award.family)].append(award)
    flags: dict[str, Flag] = {}
    for (_, family), group in groups.items():
        if len(group) < d.DOMINANT_MIN_AWARDS:
            continue
        counts: dict[str, int] = defaultdict(int)
        for award in group:
            counts[award.vendor_id] += 1
        for vendor, won in counts.items():
            if won / len(group) > d.DOMINANT_SHARE:
                as_of = _day(max(a.awarded_at for a in group))  # as the latest award leaves it
                for award in (a for a in group if a.vendor_id == vendor):
                    flags[award.solicitation_id] = Flag(
                        code="dominant_supplier", as_of=as_of,
                        detail=f"vendor {vendor} holds {won} of {len(group)} awards in family {family}")
    return flags


def cross_agency_splits(awards: Iterable[Award]) -> dict[str, Flag]:
    """Per solicitation: one vendor, one family, several agencies, each award under the value
    and together over it, within the window."""
    groups: dict[tuple[str, str], list[Award]] = defaultdict(list)
    for award in awards:
        if award.value < d.SPLIT_VALUE:
            groups[(award.vendor_id, award.family)].append(award)
    flags: dict[str, Flag] = {}
    for (vendor, family), group in groups.items():
        group.sort(key=lambda a: (a.awarded_at, a.solicitation_id))
        for i, first in enumerate(group):
            window = [a for a in group[i:] if (a.awarded_at - first.awarded_at).days <= d.SPLIT_WINDOW_DAYS]
            agencies = {a.agency_id for a in window}
            if len(agencies) >= 2 and sum(a.value for a in window) > d.SPLIT_VALUE:
                as_of = _day(window[-1].awarded_at)
                for award in window:
                    flags.setdefault(award.solicitation_id, Flag(
                        code="splitting", as_of=as_of,
                        detail=f"vendor {vendor}: {len(window)} awards in family {family} from "
                        f"{len(agencies)} agencies within {d.SPLIT_WINDOW_DAYS} days"))
    return flags
