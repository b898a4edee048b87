"""Splitting across orders: several orders of one agency to one vendor for one commodity,
each under a threshold, that together pass it within the pack's look-back window. A
warning (an event), like the splitting check on solicitations, never a refusal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from events.base import Money
from events.marketplace import OrderSplittingSuspected
from services.marketplace.commands import RecentOrder
from services.solicitations.facts import SplittingRule


def suspected_splitting(*, order_id: str, agency_id: str, vendor_id: str, commodity_codes: Sequence[str],
                        total: Money, now: datetime, recent: Sequence[RecentOrder],
                        rule: SplittingRule | None) -> list[OrderSplittingSuspected]:
    """One warning per commodity code and threshold that this order, with the agency's
    other orders to the vendor in the window (each under the threshold), pushes over it."""
    if rule is None:
        return []
    window = timedelta(days=rule.window_days)
    warnings: list[OrderSplittingSuspected] = []
    for threshold in rule.thresholds:
        limit = threshold.amount
        if limit.currency != total.currency or total.amount > limit.amount:
            continue
        for code in dict.fromkeys(commodity_codes):
            related = sorted((r for r in recent
                              if r.order_id != order_id and code in r.commodity_codes
                              and timedelta(0) <= now - r.placed_at <= window
                              and r.total.currency == total.currency and r.total.amount <= limit.amount),
                             key=lambda r: (r.placed_at, r.order_id))
            combined = total.amount + sum(r.total.amount for r in related)
            if related and combined > limit.amount:
                warnings.append(OrderSplittingSuspected(
                    order_id=order_id, agency_id=agency_id, vendor_id=vendor_id, commodity_code=code,
                    threshold=threshold.name, threshold_value=limit,
                    combined_value=Money(amount=combined, currency=total.currency),
                    related_order_ids=[r.order_id for r in related], window_days=rule.window_days))
    return warnings
