"""The compliance record carried inside events: which rule of which pack drove a decision."""

from __future__ import annotations

from datetime import date

import msgspec


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
