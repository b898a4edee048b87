"""Notices: publishing a solicitation records a notice for every vendor following one of
its commodity codes; an addendum or a cancellation records one for those followers and
for every vendor that has bid (they must acknowledge an addendum). One projection reads follows, publications,
bids and addenda in global order, so each notice list is exactly what the follows were at
that moment, and a rebuild gives the same lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from events.bids import BidSubmitted
from events.solicitations import (
    AddendumPublished,
    CommodityFollowed,
    CommodityUnfollowed,
    SolicitationCancelled,
    SolicitationPublished,
)
from infra.db import Connection
from projections.base import types_of

NOTICES_PROJECTION = "solicitations.notices"

_PUBLISHED = """
INSERT INTO solicitation_notices (notice_id, vendor_id, solicitation_id, agency_id, title, solicitation_type,
                                  matched_codes, submission_deadline, published_at)
SELECT $1 || ':' || vendor_id, vendor_id, $2, $3, $4, $5, array_agg(commodity_code ORDER BY commodity_code), $6, $7
FROM solicitation_follows WHERE commodity_code = ANY($8::text[])
GROUP BY vendor_id
ON CONFLICT (notice_id) DO NOTHING
"""

_ANNOUNCEMENT = """
WITH subject AS (SELECT * FROM solicitation_notice_subjects WHERE solicitation_id = $2),
     followers AS (
         SELECT f.vendor_id, array_agg(f.commodity_code ORDER BY f.commodity_code) AS codes
         FROM solicitation_follows f, subject s WHERE f.commodity_code = ANY(s.commodity_codes)
         GROUP BY f.vendor_id),
     recipients AS (
         SELECT vendor_id, codes FROM followers
         UNION
         SELECT b.vendor_id, '{}'::text[] FROM solicitation_notice_bidders b
         WHERE b.solicitation_id = $2 AND b.vendor_id NOT IN (SELECT vendor_id FROM followers))
INSERT INTO solicitation_notices (notice_id, vendor_id, solicitation_id, agency_id, title, solicitation_type,
                                  matched_codes, submission_deadline, published_at, kind, addendum_number)
SELECT $1 || ':' || r.vendor_id, r.vendor_id, $2, s.agency_id, s.title, s.solicitation_type, r.codes,
       coalesce($3, s.submission_deadline), $4, $5, $6
FROM recipients r, subject s
ON CONFLICT (notice_id) DO NOTHING
"""


class NoticesProjection:
    name = NOTICES_PROJECTION
    tables: Sequence[str] = ("solicitation_follows", "solicitation_notices", "solicitation_notice_subjects",
              "solicitation_notice_bidders")
    types: frozenset[str] | None = types_of(CommodityFollowed, CommodityUnfollowed, SolicitationPublished,
                                            AddendumPublished, SolicitationCancelled, BidSubmitted)

    async def apply(self, conn: Connection, events: Sequence[Any]) -> None:
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
                        "INSERT INTO solicitation_notice_subjects (solicitation_id, agency_id, title,"
                        " solicitation_type, commodity_codes, submission_deadline)"
                        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (solicitation_id) DO NOTHING",
                        event.solicitation_id, event.agency_id, event.title, event.solicitation_type,
                        list(event.commodity_codes), event.submission_deadline)
                    await conn.execute(
                        _PUBLISHED, recorded.event_id, event.solicitation_id, event.agency_id, event.title,
                        event.solicitation_type, event.submission_deadline, event.published_at,
                        list(event.commodity_codes))
                case BidSubmitted():
                    await conn.execute(
                        "INSERT INTO solicitation_notice_bidders (solicitation_id, vendor_id) VALUES ($1, $2)"
                        " ON CONFLICT DO NOTHING", event.solicitation_id, event.vendor_id)
                case AddendumPublished():
                    await conn.execute(
                        "UPDATE solicitation_notice_subjects SET submission_deadline = $2 WHERE solicitation_id = $1",
                        event.solicitation_id, event.submission_deadline)
                    await conn.execute(
                        _ANNOUNCEMENT, recorded.event_id, event.solicitation_id, event.submission_deadline,
                        event.published_at or recorded.metadata.occurred_at, "addendum", event.number)
                case SolicitationCancelled():
                    # Drafts were never announced: the subject row exists only once published.
                    await conn.execute(
                        _ANNOUNCEMENT, recorded.event_id, event.solicitation_id, None,
                        event.cancelled_at or recorded.metadata.occurred_at, "cancelled", None)


async def notices_of(conn: Connection, vendor_ids: Sequence[str], limit: int, offset: int) -> list[Any]:
    return await conn.fetch(
        "SELECT notice_id, vendor_id, solicitation_id, agency_id, title, solicitation_type, matched_codes,"
        " submission_deadline, published_at, kind, addendum_number FROM solicitation_notices"
        " WHERE vendor_id = ANY($1::text[]) ORDER BY published_at DESC, notice_id LIMIT $2 OFFSET $3",
        list(vendor_ids), limit, offset)
