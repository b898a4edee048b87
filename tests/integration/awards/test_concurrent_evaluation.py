"""Evaluators working at the same time on one solicitation all get their scores recorded;
only cleared evaluators may see bid content."""

from __future__ import annotations

import asyncio

from kernel.context import Actor
from services.awards.commands import (
    AppointEvaluator,
    CriterionScore,
    DeclareConflicts,
    RecordResponsiveness,
    RecordScores,
)
from services.awards.decider import EVALUATION
from services.awards.facts import evaluator_cleared
from services.awards.inputs import BidFacts, Criterion, SolicitationFacts
from tests.support import unique
from tests.upstream import usd


async def test_concurrent_scores_are_all_recorded(civic):
    agency = unique("ag")
    buyer = Actor(sub=unique("b"), role="buyer", agency=agency)
    evaluators = [Actor(sub=unique("ev"), role="evaluator", agency=agency) for _ in range(6)]
    bids = tuple(BidFacts(bid_id=f"b{i}", vendor_id=f"v{i}", price=usd(1000 + i)) for i in range(3))
    facts = SolicitationFacts(
        solicitation_id=unique("sol"), agency_id=agency, solicitation_type="RFP", opened=True,
        criteria=(Criterion(criterion_id="tech", name="Tech", weight=100),),
        bidders=tuple(b.vendor_id for b in bids), bids=bids)
    sid = facts.solicitation_id
    execute = civic.executor.execute_retrying
    for e in evaluators:
        await execute(EVALUATION, sid, AppointEvaluator(solicitation=facts, evaluator=e.sub), buyer)
        await execute(EVALUATION, sid, DeclareConflicts(solicitation=facts, bidders=list(facts.bidders)), e)
    for b in bids:
        await execute(EVALUATION, sid, RecordResponsiveness(solicitation=facts, bid_id=b.bid_id,
                                                            responsive=True), buyer)

    async def score(evaluator: Actor, bid: BidFacts) -> None:
        await execute(EVALUATION, sid, RecordScores(solicitation=facts, bid_id=bid.bid_id, scores=[
            CriterionScore(criterion_id="tech", score=7, comment="fine")]), evaluator, attempts=20)

    await asyncio.gather(*(score(e, b) for e in evaluators for b in bids))
    state, _ = await civic.executor.load(EVALUATION, sid)
    assert len(state.scores) == len(evaluators) * len(bids)


async def test_only_a_cleared_evaluator_may_see_bid_content(civic):
    agency = unique("ag")
    buyer = Actor(sub=unique("b"), role="buyer", agency=agency)
    cleared, pending = (Actor(sub=unique("ev"), role="evaluator", agency=agency) for _ in range(2))
    facts = SolicitationFacts(solicitation_id=unique("sol"), agency_id=agency, solicitation_type="ITB",
                              opened=True, bidders=("v1",),
                              bids=(BidFacts(bid_id="b1", vendor_id="v1", price=usd(10)),))
    sid = facts.solicitation_id
    assert not await evaluator_cleared(civic.executor, sid, cleared)
    for e in (cleared, pending):
        await civic.executor.execute(EVALUATION, sid, AppointEvaluator(solicitation=facts, evaluator=e.sub), buyer)
    await civic.executor.execute(EVALUATION, sid, DeclareConflicts(solicitation=facts, bidders=["v1"]), cleared)
    assert await evaluator_cleared(civic.executor, sid, cleared)
    assert not await evaluator_cleared(civic.executor, sid, pending)
    assert not await evaluator_cleared(civic.executor, sid, buyer)
