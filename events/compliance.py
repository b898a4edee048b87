"""The compliance record carried inside events: which rule of which pack drove a decision."""

from __future__ import annotations

from datetime import date

import msgspec

from events.base import Money


class RuleApplied(msgspec.Struct, frozen=True, kw_only=True):
    """One rule-driven decision: the pack and row it came from, the cited law, what the
    rule required and what the process used."""

    rule: str  # "method_by_value", "time_limit", "addendum_extension", "protest_window", ...
    pack: str  # "US-TX"
    row: str  # "thresholds.csv:competitive_bidding@2024-01-01"
    citation: str
    url: str
    effective_from: date | None = None
    basis: str = "law"  # "law" | "policy" (the value is the marketplace's, the principle the law's)
    required: str = ""
    used: str = ""
    #: ``None`` when the marketplace cannot see whether it was (a newspaper notice)
    complied: bool | None = True


class PaymentTerms(msgspec.Struct, frozen=True, kw_only=True):
    """The prompt-payment rule an invoice is judged by, copied onto it when submitted: the
    pack and row, the most days the law allows, the fixed compensation a late payment
    owes, and whether the agency agreed a rate of its own (a floor above the statutory one)."""

    pack: str
    row: str
    citation: str
    url: str
    effective_from: date | None = None
    basis: str = "law"
    days: int = 30
    #: e.g. EUR 40 under Directive 2011/7/EU art. 6(1); minor units
    fixed_compensation: Money | None = None
    agency_rate_agreed: bool = False
    #: the agency's IANA zone: days late are counted on its local dates
    time_zone: str = "UTC"
