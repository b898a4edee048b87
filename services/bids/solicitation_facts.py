"""What a bid decision needs to know about its solicitation, folded from the
solicitation's own events (the stream is the contract, not the solicitations package)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from events.base import Event
from events.solicitations import (
    AddendumPublished,
    SolicitationAwarded,
    SolicitationCancelled,
    SolicitationClosed,
    SolicitationCreated,
    SolicitationOpened,
    SolicitationPublished,
    SolicitationUnderEvaluation,
    SolicitationUnsuccessful,
    SolicitationUpdated,
)
from kernel.set_asides import set_aside_program

STREAM_PREFIX = "solicitation"


class SolicitationFacts(msgspec.Struct, frozen=True, kw_only=True):
    exists: bool = False
    solicitation_id: str = ""
    agency_id: str = ""
    solicitation_type: str = ""
    status: str = "draft"
    currency: str = "USD"
    set_aside: str | None = None
    submission_deadline: datetime | None = None
    opening_time: datetime | None = None
    latest_addendum: int = 0
    criteria_needing_response: tuple[str, ...] = ()
    criterion_ids: tuple[str, ...] = ()
    opened_at: datetime | None = None

    @property
    def set_aside_program(self) -> str | None:
        return set_aside_program(self.set_aside)


def evolve(facts: SolicitationFacts, event: Event) -> SolicitationFacts:
    replace = msgspec.structs.replace
    match event:
        case SolicitationCreated() | SolicitationUpdated():
            return replace(
                facts,
                exists=True,
                solicitation_id=event.solicitation_id,
                agency_id=getattr(event, "agency_id", facts.agency_id),
                solicitation_type=event.solicitation_type,
                currency=event.estimated_value.currency,
                set_aside=event.set_aside,
                submission_deadline=event.submission_deadline,
                opening_time=event.opening_time,
                criterion_ids=tuple(c.criterion_id for c in event.criteria),
                criteria_needing_response=tuple(c.criterion_id for c in event.criteria if not c.is_price),
            )
        case SolicitationPublished():
            return replace(facts, status="published")
        case AddendumPublished():
            return replace(facts, latest_addendum=event.number, submission_deadline=event.submission_deadline,
                           opening_time=event.opening_time or facts.opening_time)
        case SolicitationClosed():
            return replace(facts, status="closed")
        case SolicitationOpened():
            return replace(facts, opened_at=event.opened_at)
        case SolicitationCancelled():
            return replace(facts, status="cancelled")
        case SolicitationUnderEvaluation():
            return replace(facts, status="under_evaluation")
        case SolicitationAwarded():
            return replace(facts, status="awarded")
        case SolicitationUnsuccessful():
            return replace(facts, status="unsuccessful")
    return facts


def fold(events: list[Event]) -> SolicitationFacts:
    facts = SolicitationFacts()
    for event in events:
        facts = evolve(facts, event)
    return facts


async def load_facts(store: object, solicitation_id: str, *, conn: object = None,
                     until: datetime | None = None) -> SolicitationFacts:
    recorded = await store.read_stream(f"{STREAM_PREFIX}-{solicitation_id}", conn=conn, until=until)  # type: ignore[attr-defined]
    return fold([r.event for r in recorded])
