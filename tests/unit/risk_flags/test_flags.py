"""Each red flag on hand-built processes: raised when its definition holds, not otherwise."""

from datetime import UTC, date, datetime, timedelta

import pytest

from projections.risk_flags.definitions import DEFINITIONS
from projections.risk_flags.flags import (
    Award,
    Bid,
    Process,
    cross_agency_splits,
    dominant_suppliers,
    process_flags,
)

T0 = datetime(2026, 3, 2, 15, tzinfo=UTC)


def process(**changes: object) -> Process:
    base: dict[str, object] = dict(solicitation_id="s1", agency_id="a1", method="open", commodity_codes=["72141100"],
                                   estimated_amount=100_000_00, published_at=T0, deadline=T0 + timedelta(days=30))
    base.update(changes)
    return Process(**base)  # type: ignore[arg-type]


def codes(p: Process) -> list[str]:
    return [f.code for f in process_flags(p)]


def bids(*amounts: int) -> list[Bid]:
    return [Bid(bid_id=f"b{i}", vendor_id=f"v{i}", amount=a) for i, a in enumerate(amounts)]


def test_a_clean_process_raises_nothing() -> None:
    opened = T0 + timedelta(days=30)
    assert codes(process(opened_at=opened, bids=bids(90_000_00, 95_000_00, 99_000_00), scored_at=opened,
                         basis="lowest_price", winner_vendor="v0", winner_bid="b0", award_value=90_000_00,
                         awarded_at=opened)) == []


def test_single_bid_only_in_competitive_methods() -> None:
    one = dict(opened_at=T0 + timedelta(days=30), bids=bids(50_000_00))
    assert codes(process(**one)) == ["single_bid"]
    assert codes(process(method="direct", **one)) == []
    assert codes(process(opened_at=T0, bids=[Bid(bid_id="b0", vendor_id="v0", amount=1), Bid(
        bid_id="b1", vendor_id="v1", amount=2, counts=False)])) == ["single_bid"]


@pytest.mark.parametrize(("method", "days", "flagged"), [
    ("open", 14.9, True), ("open", 15, False), ("selective", 9, True), ("limited", 6, False), ("direct", 1, False)])
def test_short_submission_period_by_method(method: str, days: float, flagged: bool) -> None:
    p = process(method=method, deadline=T0 + timedelta(days=days))
    assert ("short_submission_period" in codes(p)) is flagged


def test_many_addenda_or_a_late_deadline_change() -> None:
    assert codes(process(addenda=3)) == ["late_changes"]
    assert codes(process(addenda=2)) == []
    assert codes(process(addenda=1, late_change_at=T0 + timedelta(days=28))) == ["late_changes"]


def test_lowest_bid_disqualified_on_price_only() -> None:
    opened = T0 + timedelta(days=30)
    p = dict(opened_at=opened, bids=bids(80_000_00, 90_000_00, 95_000_00), disqualified=["b0"], scored_at=opened)
    assert "lowest_bid_disqualified" in codes(process(basis="lowest_price", **p))
    assert "lowest_bid_disqualified" not in codes(process(basis="highest_score", **p))


def test_all_bids_but_the_winners_disqualified() -> None:
    opened = T0 + timedelta(days=30)
    p = process(opened_at=opened, bids=bids(80_000_00, 90_000_00, 95_000_00), disqualified=["b0", "b2"],
                scored_at=opened, basis="highest_score", winner_vendor="v1", winner_bid="b1",
                award_value=90_000_00, awarded_at=opened)
    assert "all_but_winner_disqualified" in codes(p)
    p.disqualified = ["b0"]
    assert "all_but_winner_disqualified" not in codes(p)


def test_identical_prices_from_different_vendors() -> None:
    assert "identical_bid_prices" in codes(process(opened_at=T0, bids=bids(70_000_00, 70_000_00, 80_000_00)))
    assert "identical_bid_prices" not in codes(process(opened_at=T0, bids=bids(70_000_00, 70_000_01)))


def test_winning_price_close_to_the_estimate_or_the_next_bid() -> None:
    awarded = dict(opened_at=T0, winner_vendor="v0", winner_bid="b0", awarded_at=T0)
    near_estimate = process(bids=bids(99_500_00, 120_000_00), award_value=99_500_00, **awarded)
    assert codes(near_estimate) == ["price_close_to_estimate"]
    near_next = process(bids=bids(80_000_00, 80_500_00), award_value=80_000_00, **awarded)
    assert codes(near_next) == ["price_close_to_next_bid"]


def test_exclusion_history_amendments_and_overpayment() -> None:
    assert "excluded_vendor_awarded" in codes(process(winner_vendor="v1", winner_excluded=True, awarded_at=T0))
    assert codes(process(contract_value=100, contract_current=126, amended_at=T0)) == ["large_amendments"]
    assert codes(process(contract_value=100, contract_current=125, amended_at=T0)) == []
    assert codes(process(contract_value=100, contract_current=100, paid=101, paid_at=T0)) == ["payments_beyond_value"]


def award(sid: str, agency: str, vendor: str, value: int = 100_000_00, days: int = 0) -> Award:
    return Award(solicitation_id=sid, agency_id=agency, vendor_id=vendor, family="u7214", value=value,
                 awarded_at=T0 + timedelta(days=days))


def test_a_vendor_holding_most_of_an_agencys_awards_in_a_family() -> None:
    flags = dominant_suppliers([award("s1", "a1", "v1"), award("s2", "a1", "v1", days=10),
                                award("s3", "a1", "v2", days=20)])
    assert set(flags) == {"s1", "s2"} and flags["s1"].as_of == date(2026, 3, 22)
    assert dominant_suppliers([award("s1", "a1", "v1"), award("s2", "a1", "v1")]) == {}  # too few to say


def test_splitting_across_agencies_within_the_window() -> None:
    split = [award("s1", "a1", "v1", 200_000_00), award("s2", "a2", "v1", 200_000_00, days=30)]
    assert set(cross_agency_splits(split)) == {"s1", "s2"}
    assert cross_agency_splits([award("s1", "a1", "v1", 200_000_00), award("s2", "a1", "v1", 200_000_00)]) == {}
    assert cross_agency_splits([award("s1", "a1", "v1", 200_000_00),
                                award("s2", "a2", "v1", 200_000_00, days=120)]) == {}


def test_every_flag_has_a_definition_and_a_source() -> None:
    assert len(DEFINITIONS) == 13
    for definition in DEFINITIONS.values():
        assert definition.definition and definition.source and definition.source_url.startswith("https://")
