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
from services.marketplace.facts import cooperative_offers
from services.solicitations.commands import OtherSolicitation, RecentSolicitation, SimilarPurchases
from services.solicitations.duplicates import RECENT, words
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


async def similar_purchases(conn: Any, *, agency_id: str, title: str,
                            commodity_codes: list[str], now: datetime) -> SimilarPurchases:
    """The candidates of the duplicate-purchase check: listed cooperative contracts and other
    agencies' solicitations published within the look-back that share a commodity code or a
    title word (the decider keeps the duplicates)."""
    terms = words(title)
    offers = await cooperative_offers(conn, commodity_codes, terms, now.date())
    rows = await conn.fetch(
        "SELECT facts FROM solicitation_facts WHERE agency_id <> $1 AND published_at >= $2"
        " AND ((facts->'commodity_codes') ?| $3::text[]"
        "      OR (cardinality($4::text[]) > 0 AND to_tsvector('english', facts->>'title')"
        "          @@ to_tsquery('english', array_to_string($4::text[], ' | '))))"
        " ORDER BY published_at DESC, solicitation_id LIMIT 100",
        agency_id, now - RECENT, commodity_codes, terms)
    others = [_decoder.decode(r["facts"]) for r in rows]
    return SimilarPurchases(contracts=offers, solicitations=[
        OtherSolicitation(solicitation_id=f.solicitation_id, agency_id=f.agency_id, title=f.title,
                          status="cancelled" if f.cancelled else f.status, commodity_codes=list(f.commodity_codes),
                          published_at=f.published_at)
        for f in others if f.published_at is not None])
