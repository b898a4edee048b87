"""The solicitation facts other contexts decide on (``solicitation_facts``), one row per
solicitation: the solicitation's events folded into ``facts.SolicitationFacts``.

An inline projection: applied in the transaction that appends the solicitation's events,
so a bid sees the deadline, the addendum and the status as the stream has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

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
from infra.eventstore import RecordedEvent
from projections.base import types_of
from services.solicitations.commands import RecentSolicitation
from services.solicitations.facts import SolicitationFacts, published_since

_decoder = msgspec.json.Decoder(SolicitationFacts)
_encoder = msgspec.json.Encoder()


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
                title=event.title,
                criteria=tuple(event.criteria),
                allows_multiple_awards=event.allows_multiple_awards,
            )
        case SolicitationPublished():
            return replace(facts, status="published", published_at=event.published_at,
                           commodity_codes=tuple(event.commodity_codes), published_value=event.estimated_value)
        case AddendumPublished():
            return replace(facts, latest_addendum=event.number, submission_deadline=event.submission_deadline,
                           opening_time=event.opening_time or facts.opening_time)
        case SolicitationClosed():
            return replace(facts, status="closed")
        case SolicitationOpened():
            return replace(facts, opened_at=event.opened_at,
                           bidders=tuple(sorted({entry.vendor_id for entry in event.tabulation})))
        case SolicitationCancelled():
            return replace(facts, status="cancelled", cancelled=True)
        case SolicitationUnderEvaluation():
            return replace(facts, status="under_evaluation")
        case SolicitationAwarded():
            return replace(facts, status="awarded")
        case SolicitationUnsuccessful():
            return replace(facts, status="unsuccessful")
    return facts


_UPSERT = """
INSERT INTO solicitation_facts (solicitation_id, agency_id, published_at, facts)
VALUES ($1, $2, $3, $4::jsonb)
ON CONFLICT (solicitation_id) DO UPDATE
SET agency_id = EXCLUDED.agency_id, published_at = EXCLUDED.published_at, facts = EXCLUDED.facts
"""


class SolicitationFactsProjection:
    name = "solicitations.facts"
    inline = True
    tables: Sequence[str] = ("solicitation_facts",)
    types: frozenset[str] | None = types_of(
        SolicitationCreated, SolicitationUpdated, SolicitationPublished, AddendumPublished, SolicitationClosed,
        SolicitationOpened, SolicitationCancelled, SolicitationUnderEvaluation, SolicitationAwarded,
        SolicitationUnsuccessful,
    )

    async def apply(self, conn: Any, events: Sequence[RecordedEvent]) -> None:
        folded: dict[str, SolicitationFacts] = {}
        for recorded in events:  # in stream order: a solicitation's events are one stream
            sid = recorded.event.solicitation_id  # type: ignore[attr-defined]
            facts = folded.get(sid)
            if facts is None:
                row = await conn.fetchval(
                    "SELECT facts FROM solicitation_facts WHERE solicitation_id = $1 FOR UPDATE", sid)
                facts = _decoder.decode(row) if row is not None else SolicitationFacts()
            folded[sid] = evolve(facts, recorded.event)
        for sid, facts in folded.items():
            await conn.execute(_UPSERT, sid, facts.agency_id, facts.published_at,
                               _encoder.encode(facts).decode())


async def recent_publications(conn: Any, agency_id: str, now: datetime, days: int) -> list[RecentSolicitation]:
    """The agency's solicitations published in the last ``days`` days (splitting check)."""
    return [RecentSolicitation(solicitation_id=f.solicitation_id, commodity_codes=list(f.commodity_codes),
                               estimated_value=f.published_value, published_at=f.published_at)
            for f in await published_since(conn, agency_id, now - timedelta(days=days))
            if f.published_value is not None and f.published_at is not None]
