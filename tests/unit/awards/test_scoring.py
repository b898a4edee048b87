"""Tabulation and tie-breaking as plain functions."""

from __future__ import annotations

from services.awards.inputs import BidFacts, Criterion, VendorFacts
from services.awards.scoring import LOWEST_PRICE, rank, tabulate
from tests.unit.awards.fixtures import usd


def _lines(prices):
    bids = [BidFacts(bid_id=f"b{i}", vendor_id=f"v{i}", price=usd(p)) for i, p in enumerate(prices)]
    return tabulate(bids, [Criterion(criterion_id="p", name="Price", weight=100, is_price=True)], {}, 0)


def test_a_three_way_tie_is_ordered_rule_by_rule_then_drawn():
    vendors = {"v0": VendorFacts(vendor_id="v0"), "v1": VendorFacts(vendor_id="v1", certified=True),
               "v2": VendorFacts(vendor_id="v2", local=True), "v3": VendorFacts(vendor_id="v3")}
    ranking, [tie] = rank(_lines([500, 500, 500, 400]), LOWEST_PRICE, vendors,
                          ("local_preference", "diversity_certification", "drawing"), "seed-1")
    assert [(b.rank, b.bid_id) for b in ranking] == [(1, "b3"), (2, "b2"), (3, "b1"), (4, "b0")]
    assert tie.bid_ids == ["b0", "b1", "b2"] and tie.order == ["b2", "b1", "b0"]
    assert tie.decided_by_rule == "local_preference" and tie.seed is None


def test_price_points_scale_to_the_lowest_price():
    lines = _lines([400, 500, 800])
    assert [float(line.total) for line in lines] == [100.0, 80.0, 50.0]
