"""Reads at the edge of the solicitations service, straight from the event store."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec

from events.agencies import AgencyRegistered
from events.base import Money, tag_of
from events.solicitations import SolicitationPublished
from services.solicitations.commands import RecentSolicitation

_RECENT = (
    "SELECT data FROM events"
    f" WHERE type = '{tag_of(SolicitationPublished)}' AND data->>'agency_id' = $1"
    " AND (data->>'published_at')::timestamptz >= $2 ORDER BY position"
)


async def agency_jurisdiction(store: Any, agency_id: str) -> tuple[str, str] | None:
    """The jurisdiction and IANA time zone an agency registered with, or ``None`` when it
    is not registered."""
    for recorded in await store.read_stream(f"agency-{agency_id}"):
        if isinstance(recorded.event, AgencyRegistered):
            return recorded.event.jurisdiction, recorded.event.time_zone
    return None


async def recent_publications(pool: Any, agency_id: str, now: datetime, days: int) -> list[RecentSolicitation]:
    """The agency's solicitations published in the last ``days`` days (splitting check)."""
    rows = await pool.fetch(_RECENT, agency_id, now - timedelta(days=days))
    found = []
    for row in rows:
        event = msgspec.json.decode(row["data"], type=SolicitationPublished)
        if event.estimated_value is None:
            continue
        found.append(RecentSolicitation(
            solicitation_id=event.solicitation_id, commodity_codes=list(event.commodity_codes),
            estimated_value=Money(amount=event.estimated_value.amount, currency=event.estimated_value.currency),
            published_at=event.published_at))
    return found
