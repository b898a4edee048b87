"""Notices: publishing a solicitation records a notice for every vendor following one of
its commodity codes. One projection reads follows and publications in global order, so
the notice list is exactly what the follows were at the moment of publishing, and a
rebuild gives the same list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from events.solicitations import CommodityFollowed, CommodityUnfollowed, SolicitationPublished
from projections.base import types_of

NOTICES_PROJECTION = "solicitations.notices"


class NoticesProjection:
    name = NOTICES_PROJECTION
    tables = ("solicitation_follows", "solicitation_notices")
    types = types_of(CommodityFollowed, CommodityUnfollowed, SolicitationPublished)

    async def apply(self, conn: Any, events: Sequence[Any]) -> None:
        for recorded in events:
            event = recorded.event
            match event:
                case CommodityFollowed():
                    await conn.execute(
                        "INSERT INTO solicitation_follows (vendor_id, commodity_code, followed_at)"
                        " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                        event.vendor_id, event.commodity_code, recorded.metadata.occurred_at)
                case CommodityUnfollowed():
                    await conn.execute(
                        "DELETE FROM solicitation_follows WHERE vendor_id = $1 AND commodity_code = $2",
                        event.vendor_id, event.commodity_code)
                case SolicitationPublished():
                    await conn.execute(
                        "INSERT INTO solicitation_notices (notice_id, vendor_id, solicitation_id, agency_id, title,"
                        " solicitation_type, matched_codes, submission_deadline, published_at)"
                        " SELECT $1 || ':' || vendor_id, vendor_id, $2, $3, $4, $5,"
                        "        array_agg(commodity_code ORDER BY commodity_code), $6, $7"
                        " FROM solicitation_follows WHERE commodity_code = ANY($8::text[])"
                        " GROUP BY vendor_id ON CONFLICT (notice_id) DO NOTHING",
                        recorded.event_id, event.solicitation_id, event.agency_id, event.title,
                        event.solicitation_type, event.submission_deadline, event.published_at,
                        list(event.commodity_codes))


async def notices_of(conn: Any, vendor_ids: Sequence[str], limit: int, offset: int) -> list[Any]:
    return await conn.fetch(
        "SELECT notice_id, vendor_id, solicitation_id, agency_id, title, solicitation_type, matched_codes,"
        " submission_deadline, published_at, sent_at FROM solicitation_notices WHERE vendor_id = ANY($1::text[])"
        " ORDER BY published_at DESC, notice_id LIMIT $2 OFFSET $3",
        list(vendor_ids), limit, offset)
