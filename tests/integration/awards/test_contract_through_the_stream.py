"""A final award opens its contract only through the stream, once, however often the
award event is delivered; the evaluation read model holds only unsealed bid content."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from events.awards import AwardFinalized
from events.base import Metadata
from events.bids import BidSubmitted
from events.contracts import ContractOpened
from infra.container import open_civic
from kernel.context import Actor
from services.awards.commands import (
    FinalizeAward,
    FinalizeScores,
    RecommendAward,
    RecordResponsiveness,
)
from services.awards.decider import EVALUATION
from services.awards.inputs import BidFacts, SolicitationFacts, VendorFacts
from services.awards.readmodel import solicitation_facts
from services.contracts.decider import CONTRACT
from services.contracts.ids import contract_id_for
from services.contracts.reactors import ContractOpener
from tests.support import eventually, unique
from tests.upstream import opened_solicitation, usd


async def _final_award(civic, agency_id: str) -> AwardFinalized:
    buyer = Actor(sub=unique("b"), role="buyer", agency=agency_id)
    facts = SolicitationFacts(
        solicitation_id=unique("sol"), agency_id=agency_id, solicitation_type="ITB", opened=True,
        bidders=("v1",), bids=(BidFacts(bid_id="b1", vendor_id="v1", price=usd(500_000)),))
    sid = facts.solicitation_id
    run = civic.executor.execute
    await run(EVALUATION, sid, RecordResponsiveness(solicitation=facts, bid_id="b1", responsive=True), buyer)
    await run(EVALUATION, sid, FinalizeScores(solicitation=facts, vendors={}, seed="s"), buyer)
    now = civic.clock.now()
    await run(EVALUATION, sid, RecommendAward(
        solicitation=facts, award_id="aw-" + sid, rationale="lowest price", vendors={},
        contract_start=now.date() + timedelta(days=10), contract_end=now.date() + timedelta(days=200),
        protest_window_business_days=1), buyer)
    await civic.clock.set(advance_seconds=5 * 86400)
    outcome = await run(EVALUATION, sid, FinalizeAward(award_id="aw-" + sid, vendor=VendorFacts(vendor_id="v1")),
                        buyer)
    [final] = outcome.events
    return final


async def test_the_contract_opens_only_through_the_stream_and_only_once(isolated):
    settings = await isolated()
    civic = await open_civic(settings)
    try:
        final = await _final_award(civic, unique("ag"))
        contract_id = contract_id_for(final.award_id)
        await asyncio.sleep(0.5)
        assert await civic.store.read_stream(CONTRACT.stream_id(contract_id)) == []

        civic.start_workers(only=["contracts.opener"], scheduler=False)

        async def opened():
            return await civic.store.read_stream(CONTRACT.stream_id(contract_id))
        [recorded] = await eventually(opened, what="the contract opened by the reactor")
        assert isinstance(recorded.event, ContractOpened)
        assert (recorded.event.vendor_id, recorded.event.value) == ("v1", usd(500_000))
        assert recorded.metadata.causation_id is not None

        async def published():  # the relay publishes the award's events to JetStream
            return (await civic.js.stream_info(settings.stream_name)).state.messages >= 1
        await eventually(published, what="the award events on the stream")

        # a redelivered award event opens nothing more
        [award_event] = [r for r in await civic.store.read_stream(EVALUATION.stream_id(final.solicitation_id))
                         if isinstance(r.event, AwardFinalized)]
        await ContractOpener(civic).react(award_event)
        assert len(await civic.store.read_stream(CONTRACT.stream_id(contract_id))) == 1
    finally:
        await civic.close()


async def test_the_evaluation_read_model_has_only_opened_bids(isolated):
    settings = await isolated()
    civic = await open_civic(settings, with_nats=False)
    try:
        agency = unique("ag")
        sid, bids = await opened_solicitation(civic, agency, [("v1", 900), ("v2", 700)])
        sealed = BidSubmitted(bid_id="sealed-1", solicitation_id=sid, vendor_id="v3",
                              received_at=civic.clock.now(), sealed="ciphertext")
        await civic.store.append("bid-sealed-1", None, [sealed], Metadata(occurred_at=civic.clock.now()))
        # the evaluation reads the solicitations' and the bids' facts (inline projections)
        runners = [civic.runner_for("solicitations.facts"), civic.runner_for("bids.facts")]

        async def projected():
            for runner in runners:
                await runner.catch_up()
            async with civic.pool.acquire() as conn:
                found = await solicitation_facts(conn, sid)
            return found if found is not None and len(found.bids) == 2 else None
        facts = await eventually(projected, what="the opened solicitation projected")
        assert facts.opened and facts.agency_id == agency and facts.solicitation_type == "RFP"
        assert sorted(facts.bidders) == ["v1", "v2"]
        assert {b.bid_id: b.price.amount for b in facts.bids} == dict(zip(bids, [900, 700], strict=True))
        assert [c.criterion_id for c in facts.criteria] == ["tech", "price"]
        for runner in runners:
            await runner.rebuild()
        async with civic.pool.acquire() as conn:
            assert await solicitation_facts(conn, sid) == facts
    finally:
        await civic.close()
