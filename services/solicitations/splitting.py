"""The splitting check: several small solicitations that together should have been one
larger, more competitive procurement. A warning (an event), not a refusal: buyers may
have good reasons, and auditors review the warnings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from events.base import Money
from events.solicitations import SplittingSuspected
from services.solicitations.commands import RecentSolicitation
from services.solicitations.rules import Pack, thresholds_on


def suspected_splitting(
    *,
    solicitation_id: str,
    agency_id: str,
    commodity_codes: Sequence[str],
    value: Money,
    now: datetime,
    recent: Sequence[RecentSolicitation],
    rules: Pack,
) -> list[SplittingSuspected]:
    """One warning per commodity code and threshold that this solicitation, with the
    agency's others in the window (each under the threshold), pushes over it."""
    window = timedelta(days=rules.splitting_window_days)
    in_force = {t.name: t for t in thresholds_on(rules.code, now.date())}
    warnings: list[SplittingSuspected] = []
    for name in rules.splitting_thresholds:
        threshold = in_force.get(name)
        if threshold is None or threshold.currency != value.currency or value.amount > threshold.amount:
            continue
        for code in dict.fromkeys(commodity_codes):
            related = sorted(
                (r for r in recent
                 if r.solicitation_id != solicitation_id
                 and code in r.commodity_codes
                 and timedelta(0) <= now - r.published_at <= window
                 and r.estimated_value.currency == value.currency
                 and r.estimated_value.amount <= threshold.amount),
                key=lambda r: (r.published_at, r.solicitation_id),
            )
            combined = value.amount + sum(r.estimated_value.amount for r in related)
            if related and combined > threshold.amount:
                warnings.append(SplittingSuspected(
                    solicitation_id=solicitation_id,
                    agency_id=agency_id,
                    commodity_code=code,
                    threshold=name,
                    threshold_value=Money(amount=threshold.amount, currency=threshold.currency),
                    combined_value=Money(amount=combined, currency=value.currency),
                    related_solicitation_ids=[r.solicitation_id for r in related],
                    window_days=rules.splitting_window_days,
                ))
    return warnings
