"""The agencies' facts for other contexts (``agency_facts``): each registered agency's
jurisdiction, time zone and local ZIP prefixes. An inline projection, applied in the registration's own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from events.agencies import AgencyRegistered
from infra.eventstore import RecordedEvent
from projections.base import types_of


class AgencyFactsProjection:
    name = "agencies.facts"
    inline = True
    tables: Sequence[str] = ("agency_facts",)
    types: frozenset[str] | None = types_of(AgencyRegistered)

    async def apply(self, conn: Any, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:
            event = recorded.event
            assert isinstance(event, AgencyRegistered)
            await conn.execute(
                "INSERT INTO agency_facts (agency_id, jurisdiction, time_zone, local_zip_prefixes)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                event.agency_id, event.jurisdiction, event.time_zone, list(event.local_zip_prefixes))
