"""Reads at the edge: the facts a command is decided on, and where an award lives."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from kernel.errors import NotFound
from projections.vendor_standing.queries import vendor_standing
from services.awards.facts import SolicitationFacts, VendorFacts
from services.awards.readmodel import solicitation_facts, solicitation_of_bid


async def require_solicitation(conn: Any, solicitation_id: str) -> SolicitationFacts:
    facts = await solicitation_facts(conn, solicitation_id)
    if facts is None:
        raise NotFound(f"solicitation {solicitation_id} not found")
    return facts


async def require_bid_solicitation(conn: Any, bid_id: str) -> SolicitationFacts:
    """The solicitation of an opened bid (bids are unknown here until opened)."""
    solicitation_id = await solicitation_of_bid(conn, bid_id)
    if solicitation_id is None:
        raise NotFound(f"bid {bid_id} not found among opened bids")
    return await require_solicitation(conn, solicitation_id)


async def vendor_facts(conn: Any, vendor_id: str, agency_id: str, at: datetime) -> VendorFacts:
    """Exclusion, local preference and diversity certification of a vendor at ``at``."""
    standing = await vendor_standing(conn, vendor_id, at)
    if standing is None:
        return VendorFacts(vendor_id=vendor_id)
    day = at.date()
    return VendorFacts(
        vendor_id=vendor_id,
        excluded=standing.excluded,
        local=agency_id in standing.local_agencies,
        certified=any(standing.certified(c.program, day) for c in standing.certifications),
    )


async def vendors_facts(
    conn: Any, vendor_ids: Iterable[str], agency_id: str, at: datetime
) -> dict[str, VendorFacts]:
    return {v: await vendor_facts(conn, v, agency_id, at) for v in sorted(set(vendor_ids))}


async def solicitation_of_award(conn: Any, award_id: str) -> str:
    """Awards are found in the store itself (indexed in 0300_awards_evaluation_inputs.sql)."""
    found = await conn.fetchval(
        "SELECT data->>'solicitation_id' FROM events"
        " WHERE type = 'awards.AwardRecommended.v1' AND data->>'award_id' = $1 LIMIT 1", award_id)
    if found is None:
        raise NotFound(f"award {award_id} not found")
    return found


async def solicitation_of_protest(conn: Any, protest_id: str) -> str:
    found = await conn.fetchval(
        "SELECT data->>'solicitation_id' FROM events"
        " WHERE type = 'awards.ProtestFiled.v1' AND data->>'protest_id' = $1 LIMIT 1", protest_id)
    if found is None:
        raise NotFound(f"protest {protest_id} not found")
    return found
