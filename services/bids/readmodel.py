"""The bids service's own read model: every bid of a solicitation (``bid_facts``), active
or withdrawn, and its content once unsealed at the opening (never before). Read by other
contexts through ``facts.py``.

An inline projection: applied in the transaction that appends the bid's events, so the
opening never misses a bid, and the evaluation sees an unsealed bid as soon as it is.
Also the read at the edge of the acting vendor's standing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from events.bids import BidReplaced, BidSubmitted, BidUnsealed, BidWithdrawn
from infra.eventstore import RecordedEvent
from projections.base import types_of
from services.bids.commands import VendorFacts
from services.solicitations.facts import SolicitationFacts
from services.vendors.facts import vendor_standing

_encoder = msgspec.json.Encoder()


class BidFactsProjection:
    name = "bids.facts"
    inline = True
    tables: Sequence[str] = ("bid_facts",)
    types: frozenset[str] | None = types_of(BidSubmitted, BidReplaced, BidWithdrawn, BidUnsealed)

    async def apply(self, conn: Any, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:
            event = recorded.event
            match event:
                case BidSubmitted() | BidReplaced():
                    await conn.execute(
                        "INSERT INTO bid_facts (bid_id, solicitation_id, vendor_id, active) VALUES ($1, $2, $3, true)"
                        " ON CONFLICT (bid_id) DO UPDATE SET active = true",
                        event.bid_id, event.solicitation_id, event.vendor_id)
                case BidWithdrawn():
                    await conn.execute("UPDATE bid_facts SET active = false WHERE bid_id = $1", event.bid_id)
                case BidUnsealed():
                    await conn.execute(
                        "INSERT INTO bid_facts (bid_id, solicitation_id, vendor_id, active, unsealed)"
                        " VALUES ($1, $2, $3, true, $4::jsonb) ON CONFLICT (bid_id) DO UPDATE SET unsealed = $4::jsonb",
                        event.bid_id, event.solicitation_id, event.vendor_id, _encoder.encode(event).decode())


async def bid_ids_of(conn: Any, solicitation_id: str) -> list[str]:
    """Every bid ever submitted on a solicitation (active or withdrawn), by id."""
    rows = await conn.fetch("SELECT bid_id FROM bid_facts WHERE solicitation_id = $1 ORDER BY bid_id",
                            solicitation_id)
    return [r["bid_id"] for r in rows]


async def vendor_facts(pool: Any, vendor_id: str, at: datetime, facts: SolicitationFacts) -> VendorFacts:
    """The vendor's standing now, with the certifications valid on the deadline date."""
    async with pool.acquire() as conn:
        standing = await vendor_standing(conn, vendor_id, at)
    if standing is None:
        return VendorFacts(vendor_id=vendor_id, known=False)
    deadline_day = (facts.submission_deadline or at).date()
    programs = frozenset(c.program for c in standing.certifications if standing.certified(c.program, deadline_day))
    return VendorFacts(
        vendor_id=vendor_id,
        status=standing.status,
        expires_at=standing.expires_at,
        excluded=standing.excluded,
        users=tuple(standing.users),
        certified_programs=programs,
    )
