"""Splitting across orders: a warning on the order, never a refusal (pure)."""

from __future__ import annotations

from datetime import timedelta

from events.base import Money
from events.marketplace import OrderSplittingSuspected
from services.marketplace.commands import RecentOrder
from services.marketplace.deciders.purchase_order import PURCHASE_ORDER
from services.marketplace.splitting import suspected_splitting
from services.solicitations.facts import SplittingRule, SplittingThreshold, splitting_rule
from tests.unit.marketplace.test_purchase_order_decider import BUYER, NOW, place


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


RULE = SplittingRule(pack="US", window_days=90, thresholds=(
    SplittingThreshold(name="micro_purchase", amount=usd(15_000_00), citation="FAR 2.101"),))


def recent(order_id: str, amount: int, days_ago: float, codes=("43211503",)) -> RecentOrder:
    return RecentOrder(order_id=order_id, commodity_codes=tuple(codes), total=usd(amount),
                       placed_at=NOW - timedelta(days=days_ago))


def check(total: int, *orders: RecentOrder, codes=("43211503",)) -> list[OrderSplittingSuspected]:
    return suspected_splitting(order_id="po9", agency_id="austin", vendor_id="v1", commodity_codes=list(codes),
                               total=usd(total), now=NOW, recent=list(orders), rule=RULE)


def test_orders_under_the_threshold_that_together_pass_it_are_flagged():
    [warning] = check(6_000_00, recent("po1", 6_000_00, 10), recent("po2", 5_000_00, 3))
    assert warning.threshold == "micro_purchase" and warning.combined_value == usd(17_000_00)
    assert warning.related_order_ids == ["po1", "po2"] and warning.window_days == 90


def test_what_does_not_count():
    assert check(6_000_00, recent("po1", 6_000_00, 10)) == []  # together under the threshold
    assert check(6_000_00, recent("po1", 10_000_00, 100)) == []  # outside the window
    assert check(6_000_00, recent("po1", 10_000_00, 5, codes=("55121710",))) == []  # another commodity
    assert check(20_000_00, recent("po1", 10_000_00, 5)) == []  # this order alone is above: not split
    assert check(6_000_00, recent("po1", 20_000_00, 5)) == []  # the other alone is above
    assert check(6_000_00) == []


def test_the_warning_is_recorded_with_the_order_and_the_order_stands():
    state, events = place(lines=(("laptop", 6),), recent=(recent("po-a", 6_000_00, 10), recent("po-b", 6_000_00, 2)),
                          splitting=RULE)
    assert [type(e).__name__ for e in events] == ["PurchaseOrderPlaced", "OrderSplittingSuspected"]
    assert state.status == "placed" and state.warnings[0].related_order_ids == ["po-a", "po-b"]
    assert PURCHASE_ORDER.fold(events).warnings == state.warnings
    assert BUYER.actor.agency == state.warnings[0].agency_id


def test_the_rule_comes_from_the_agencys_pack():
    rule = splitting_rule("US-TX-Austin", NOW.date())
    assert rule is not None and rule.pack == "US-TX" and rule.thresholds
    assert splitting_rule("ZZ", NOW.date()) is None
