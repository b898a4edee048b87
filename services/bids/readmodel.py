"""Reads at the edge of the bids service: the bids of a solicitation (from the store,
strongly consistent) and the acting vendor's standing (from the vendor standing model)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.base import tag_of
from events.bids import BidSubmitted
from kernel.context import Actor
from kernel.errors import Forbidden, field_error
from services.bids.commands import VendorFacts
from services.bids.decider import BID, Bid
from services.bids.solicitation_facts import SolicitationFacts
from services.vendors.facts import vendor_standing, vendors_of_user

_BID_STREAMS = (
    "SELECT DISTINCT stream_id FROM events"
    f" WHERE type = '{tag_of(BidSubmitted)}' AND data->>'solicitation_id' = $1 ORDER BY stream_id"
)


async def bids_of_solicitation(store: Any, solicitation_id: str) -> list[Bid]:
    """Every bid ever submitted on a solicitation (active or withdrawn), folded."""
    rows = await store.pool.fetch(_BID_STREAMS, solicitation_id)
    bids = []
    for row in rows:
        recorded = await store.read_stream(row["stream_id"])
        bids.append(BID.fold(r.event for r in recorded))
    return bids


async def acting_vendor(pool: Any, actor: Actor, requested: str | None) -> str:
    """The vendor the caller acts for: the one named, or the only one the user belongs to."""
    async with pool.acquire() as conn:
        mine = await vendors_of_user(conn, actor.sub)
    if requested is not None:
        if requested not in mine:
            raise Forbidden(f"you do not act for vendor {requested}", code="not_vendor_user")
        return requested
    if not mine:
        raise Forbidden("your account belongs to no registered vendor", code="no_vendor")
    if len(mine) > 1:
        raise field_error("vendor_id", f"you act for several vendors ({', '.join(mine)}); name one")
    return mine[0]


async def is_vendor_user(pool: Any, actor: Actor, vendor_id: str) -> bool:
    if actor.role != "vendor":
        return False
    async with pool.acquire() as conn:
        return vendor_id in await vendors_of_user(conn, actor.sub)


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


async def vendor_name(pool: Any, vendor_id: str, at: datetime) -> str:
    async with pool.acquire() as conn:
        standing = await vendor_standing(conn, vendor_id, at)
    return standing.legal_name if standing else ""
