"""Pieces of the generated marketplace the report benchmarks share: event times, commodity
codes and solicitations."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from events.base import Money
from events.solicitations import SolicitationCreated


def at(day: date, hour: int = 12) -> datetime:
    """``hour`` o'clock UTC on ``day``."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def commodity_codes(rng: random.Random) -> list[str]:
    """One commodity code in each of fifteen segments."""
    return [f"{segment}{rng.randrange(10**6):06d}" for segment in
            ("43", "72", "76", "80", "81", "25", "44", "47", "77", "78", "83", "84", "85", "86", "92")]


def solicitation(solicitation_id: str, agency_id: str, code: str, deadline: datetime) -> SolicitationCreated:
    """An open RFP for goods in commodity ``code``, every deadline at ``deadline``."""
    return SolicitationCreated(
        solicitation_id=solicitation_id, agency_id=agency_id, solicitation_type="RFP", title="Goods", description="",
        commodity_codes=[code], estimated_value=Money(amount=1_000_000, currency="USD"),
        method="open", submission_deadline=deadline, questions_deadline=deadline, opening_time=deadline)
