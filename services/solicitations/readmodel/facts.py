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

from events.solicitations import (
    AddendumPublished,
    QuestionAsked,
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
from services.solicitations.facts import SolicitationFacts, evolve, published_since

_decoder = msgspec.json.Decoder(SolicitationFacts)
_encoder = msgspec.json.Encoder()


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
        SolicitationUnsuccessful, QuestionAsked,
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
