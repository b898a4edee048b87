"""A vendor's scorecard against a hand-computed history, and the projection's replays and rebuild.

Vendor "vee": contracts k1 (agency A, 100,000, ends 2026-12-31) and k2 (agency B, 50,000);
k1 amended to 120,000 and 2027-06-30, then to 110,000; k2 to 75,000. Ratings (quality,
timeliness, cost control, communication): k1 2026-02-10 (4, 5, 3, 4), k2 2026-05-05 (2, 3, 3, 2),
k1 2026-05-20 (5, 5, 4, 4). Invoices i1 (disputed twice), i2 (once), i3. Protests: one sustained,
one dismissed, one pending. Deliverables of k1: submissions accepted twice and rejected once, one
due date overdue; k3 (wu): one rejected. Vendor "wu" has a contract, a disputed invoice and a sustained protest.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec
import pytest

from events.awards import ProtestDecided, ProtestFiled
from events.contracts import (
    ContractModified,
    DeliverableOverdue,
    PerformanceRated,
    SubmissionDecided,
)
from events.invoices import InvoiceDisputed
from projections.scorecard.projection import ScorecardProjection
from projections.scorecard.scorecard import build_scorecard
from tests.integration.search import builders as b
from tests.integration.spend.scenario import contract, invoice, usd


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def rated(rating_id: str, contract_id: str, vendor: str, day: str, *scores: int) -> PerformanceRated:
    q, t, c, m = scores
    return PerformanceRated(contract_id=contract_id, rating_id=rating_id, vendor_id=vendor, quality=q, timeliness=t,
                            cost_control=c, communication=m, rated_by="buyer-1", rated_at=at(day))


def amended(contract_id: str, number: int, dollars: int, end: date, day: str) -> ContractModified:
    return ContractModified(contract_id=contract_id, number=number, reason="change", value=usd(dollars),
                            end_date=end, kind="value_change", modified_at=at(day))


def protest(protest_id: str, vendor: str, day: str) -> ProtestFiled:
    return ProtestFiled(protest_id=protest_id, award_id=f"aw-{protest_id}", solicitation_id="s1", vendor_id=vendor,
                        grounds="unfair", filed_by="u", filed_at=at(day))


def decided(protest_id: str, outcome: str, day: str) -> ProtestDecided:
    return ProtestDecided(protest_id=protest_id, award_id=f"aw-{protest_id}", solicitation_id="s1", outcome=outcome,
                          reason="r", decided_by="chief", decided_at=at(day))


def disputed(invoice_id: str, day: str) -> InvoiceDisputed:
    return InvoiceDisputed(invoice_id=invoice_id, reason="wrong quantity", disputed_at=at(day))


def decision(submission_id: str, contract_id: str, accepted: bool, day: str) -> SubmissionDecided:
    return SubmissionDecided(contract_id=contract_id, deliverable_id="d1", submission_id=submission_id,
                             accepted=accepted, reason="ok" if accepted else "incomplete", decided_by="buyer-1",
                             decided_at=at(day))


@pytest.fixture(scope="module")
async def history(readmodel):
    k1, k2 = contract("k1", "s1", "vee", date(2026, 12, 31), agency="A"), contract("k2", "s2", "vee", date(2026, 6, 30),
                                                                                      agency="B")
    steps = [
        ("contract-k1", "2026-01-01", [k1]),
        ("contract-k2", "2026-01-01", [msgspec.structs.replace(k2, value=usd(50_000))]),
        ("contract-k3", "2026-01-01", [contract("k3", "s3", "wu", date(2026, 12, 31), agency="A")]),
        ("contract-k1", "2026-02-01", [amended("k1", 1, 120_000, date(2027, 6, 30), "2026-02-01")]),
        ("contract-k1", "2026-02-10", [rated("r1", "k1", "vee", "2026-02-10", 4, 5, 3, 4)]),
        ("invoice-i1", "2026-02-11", [invoice("i1", "k1", "vee", 1_000, "2026-02-11", agency="A")]),
        ("invoice-i2", "2026-02-12", [invoice("i2", "k2", "vee", 1_000, "2026-02-12", agency="B")]),
        ("invoice-i3", "2026-02-13", [invoice("i3", "k1", "vee", 1_000, "2026-02-13", agency="A")]),
        ("invoice-i4", "2026-02-13", [invoice("i4", "k3", "wu", 1_000, "2026-02-13", agency="A")]),
        ("invoice-i1", "2026-02-14", [disputed("i1", "2026-02-14")]),
        ("invoice-i2", "2026-02-15", [disputed("i2", "2026-02-15")]),
        ("invoice-i1", "2026-02-20", [disputed("i1", "2026-02-20")]),
        ("invoice-i4", "2026-02-20", [disputed("i4", "2026-02-20")]),
        ("protest-pr1", "2026-03-01", [protest("pr1", "vee", "2026-03-01")]),
        ("protest-pr2", "2026-03-02", [protest("pr2", "vee", "2026-03-02")]),
        ("protest-pr3", "2026-03-03", [protest("pr3", "vee", "2026-03-03")]),
        ("protest-pr4", "2026-03-03", [protest("pr4", "wu", "2026-03-03")]),
        ("protest-pr1", "2026-03-10", [decided("pr1", "sustained", "2026-03-10")]),
        ("protest-pr2", "2026-03-11", [decided("pr2", "dismissed", "2026-03-11")]),
        ("protest-pr4", "2026-03-11", [decided("pr4", "sustained", "2026-03-11")]),
        ("contract-k2", "2026-04-01", [amended("k2", 1, 75_000, date(2026, 6, 30), "2026-04-01")]),
        ("contract-k2", "2026-05-05", [rated("r2", "k2", "vee", "2026-05-05", 2, 3, 3, 2)]),
        ("contract-k1", "2026-05-10", [amended("k1", 2, 110_000, date(2027, 6, 30), "2026-05-10")]),
        ("contract-k1", "2026-06-01", [decision("sb1", "k1", True, "2026-06-01"),
                                       decision("sb2", "k1", False, "2026-06-02")]),
        ("contract-k1", "2026-06-05", [decision("sb3", "k1", True, "2026-06-05")]),
        ("contract-k1", "2026-07-02", [DeliverableOverdue(contract_id="k1", deliverable_id="d1",
                                                          due_date=date(2026, 7, 1), noticed_at=at("2026-07-02"))]),
        ("contract-k3", "2026-06-03", [decision("sb4", "k3", False, "2026-06-03")]),
        ("contract-k1", "2026-05-20", [rated("r3", "k1", "vee", "2026-05-20", 5, 5, 4, 4)]),
    ]
    for stream, day, events in steps:
        await b.append(readmodel.store, stream, events, at(day))
    await b.project(readmodel, ScorecardProjection())
    return readmodel


async def _card(civic, vendor="vee"):
    async with civic.pool.acquire() as conn:
        return await build_scorecard(conn, vendor)


async def test_ratings_over_time(history):
    card = await _card(history)
    assert (card.contracts, card.agencies) == (2, 2)
    ratings = card.ratings
    assert ratings.count == 3
    # quality (4 + 2 + 5) / 3, timeliness 13 / 3, cost control 10 / 3, communication 10 / 3
    assert ratings.average is not None
    assert (ratings.average.quality, ratings.average.timeliness, ratings.average.cost_control,
            ratings.average.communication, ratings.average.overall) == (3.67, 4.33, 3.33, 3.33, 3.67)
    assert [(q.quarter, q.ratings, q.average.overall) for q in ratings.by_quarter] == [("2026-Q1", 1, 4.0),
                                                                                     ("2026-Q2", 2, 3.5)]
    assert [r.rating_id for r in ratings.latest] == ["r3", "r2", "r1"]
    assert ratings.latest[1].agency_id == "B"


async def test_disputed_invoices_and_protests(history):
    card = await _card(history)
    assert (card.invoices.submitted, card.invoices.disputed, card.invoices.disputes,
            card.invoices.disputed_share_percent) == (3, 2, 3, 66.67)
    assert (card.protests.filed, card.protests.upheld, card.protests.dismissed, card.protests.withdrawn,
            card.protests.pending) == (3, 1, 1, 0, 1)


async def test_amendments_and_their_size(history):
    amendments = (await _card(history)).amendments
    assert (amendments.count, amendments.contracts_amended) == (3, 2)
    changes = [(a.contract_id, a.number, a.value_change.amount, a.change_percent, a.end_date_change_days)
               for a in amendments.latest]
    # newest first: k1 #2 -10,000 (-10 % of 100,000); k2 #1 +25,000 (+50 % of 50,000); k1 #1 +20,000 and 181 days
    assert changes == [("k1", 2, -10_000_00, -10.0, 0), ("k2", 1, 25_000_00, 50.0, 0), ("k1", 1, 20_000_00, 20.0, 181)]
    [usd_totals] = amendments.by_currency
    assert (usd_totals.net_change.amount, usd_totals.largest_change_percent) == (35_000_00, 50.0)


async def test_accepted_rejected_and_overdue_deliverables(history):
    vee, wu, nobody = (await _card(history)).deliverables, (await _card(history, "wu")).deliverables, \
        (await _card(history, "nobody")).deliverables
    # vee: 2 accepted of 3 decisions; wu: its one decision rejected
    assert (vee.accepted, vee.rejected, vee.overdue, vee.accepted_share_percent) == (2, 1, 1, 66.67)
    assert (wu.accepted, wu.rejected, wu.overdue, wu.accepted_share_percent) == (0, 1, 0, 0.0)
    assert (nobody.accepted, nobody.overdue, nobody.accepted_share_percent) == (0, 0, None)


async def test_another_vendor_and_an_unknown_one(history):
    wu = await _card(history, "wu")
    assert (wu.contracts, wu.invoices.disputed, wu.protests.upheld, wu.ratings.count) == (1, 1, 1, 0)
    assert wu.ratings.average is None and wu.amendments.by_currency == []
    nobody = await _card(history, "nobody")
    assert (nobody.contracts, nobody.invoices.submitted, nobody.invoices.disputed_share_percent) == (0, 0, None)


async def test_replays_change_nothing_and_rebuild_equals_live(history):
    await b.replay_checks(history, ScorecardProjection())
