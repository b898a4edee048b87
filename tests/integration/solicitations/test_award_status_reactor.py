"""The solicitation's status follows the awards context's events (real PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from events.awards import AwardFinalized, EvaluationStarted, SolicitationUnsuccessful
from events.base import Metadata, Money
from events.solicitations import Criterion
from infra.eventstore import Position, RecordedEvent
from kernel.context import SYSTEM_ACTOR, Actor
from services.solicitations.commands import (
    CreateSolicitation,
    OpenSolicitation,
    PublishSolicitation,
    Terms,
)
from services.solicitations.deciders.solicitation import SOLICITATION
from services.solicitations.reactors import FollowAwards
from tests.support import unique


def _recorded(event) -> RecordedEvent:
    return RecordedEvent(event_id=unique("ev"), stream_id="award-x", version=1, position=Position(1, 1),
                         type=event.__struct_config__.tag, event=event,
                         metadata=Metadata(occurred_at=datetime.now(UTC)), recorded_at=datetime.now(UTC))


async def _opened_solicitation(civic) -> str:
    await civic.clock.refresh()
    now = civic.clock.now()
    sid, agency = unique("sol"), unique("ag")
    buyer = Actor(sub="buyer", role="buyer", agency=agency)
    # A micro-purchase RFQ may be direct and needs no minimum open period.
    terms = Terms(solicitation_type="RFQ", title="Printer toner", description="", commodity_codes=["44103103"],
                  estimated_value=Money(amount=900_00, currency="USD"), method="direct",
                  submission_deadline=now + timedelta(seconds=30), questions_deadline=now + timedelta(seconds=20),
                  opening_time=now + timedelta(seconds=30),
                  criteria=[Criterion(criterion_id="price", name="Price", weight=100, is_price=True)])
    await civic.executor.execute(SOLICITATION, sid, CreateSolicitation(
        solicitation_id=sid, agency_id=agency, jurisdiction="US-OR-Portland", terms=terms), buyer)
    await civic.executor.execute(SOLICITATION, sid, PublishSolicitation(), buyer)
    await civic.clock.set(advance_seconds=61)  # past the deadline's settle window
    await civic.executor.execute(SOLICITATION, sid, OpenSolicitation(tabulation=[]), SYSTEM_ACTOR)
    state, _ = await civic.executor.load(SOLICITATION, sid)
    assert state.opened
    return sid


async def test_evaluation_award_and_redelivery(civic):
    sid = await _opened_solicitation(civic)
    reactor = FollowAwards(civic)
    await reactor.react(_recorded(EvaluationStarted(solicitation_id=sid, agency_id="ag")))
    assert (await civic.executor.load(SOLICITATION, sid))[0].status == "under_evaluation"
    finalized = _recorded(AwardFinalized(
        award_id="aw1", solicitation_id=sid, agency_id="ag", vendor_id="v1",
        value=Money(amount=850_00, currency="USD"), decided_by="buyer", rationale="lowest price",
        finalized_at=datetime.now(UTC)))
    await reactor.react(finalized)
    await reactor.react(finalized)  # redelivered: nothing more
    state, version = await civic.executor.load(SOLICITATION, sid)
    assert state.status == "awarded" and state.award_ids == ("aw1",)
    stored = await civic.store.read_stream(SOLICITATION.stream_id(sid))
    assert [r.type for r in stored][-2:] == ["solicitations.SolicitationUnderEvaluation.v1",
                                            "solicitations.SolicitationAwarded.v1"]
    assert version == len(stored)


async def test_unsuccessful(civic):
    sid = await _opened_solicitation(civic)
    await FollowAwards(civic).react(_recorded(SolicitationUnsuccessful(solicitation_id=sid,
                                                                       reason="no responsive bids")))
    state, _ = await civic.executor.load(SOLICITATION, sid)
    assert state.status == "unsuccessful" and state.unsuccessful_reason == "no responsive bids"
