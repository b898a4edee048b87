"""The evaluation's reads: the facts a command is decided on, from the solicitations',
bids' and vendors' facts, and its own index of where an award or a protest lives.

A bid's price and responses exist in the bids' facts only from ``BidUnsealed`` (after the
opening): an evaluation can never read sealed content. Every read here is current with
the commands answered before it (inline projections), so an id answered a moment ago is
found on the next request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from events.awards import AwardRecommended, ProtestFiled
from infra.db import Connection
from infra.eventstore import RecordedEvent
from kernel.errors import NotFound, NotYetVisible
from projections.base import types_of
from services.awards.inputs import BidFacts, Criterion, Response, SolicitationFacts, VendorFacts
from services.bids.facts import opened_bids, solicitation_of_opened_bid, unsealing_settled
from services.solicitations.facts import solicitation_facts as solicitation_of
from services.vendors.facts import vendor_standing


class AwardIndexProjection:
    """Where an award or a protest lives (``award_index``), applied with its events."""

    name = "awards.index"
    inline = True
    tables: Sequence[str] = ("award_index",)
    types: frozenset[str] | None = types_of(AwardRecommended, ProtestFiled)

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:
            match recorded.event:
                case AwardRecommended() as e:
                    row = (e.award_id, "award", e.solicitation_id)
                case ProtestFiled() as e:
                    row = (e.protest_id, "protest", e.solicitation_id)
                case _:
                    continue
            await conn.execute("INSERT INTO award_index (id, kind, solicitation_id) VALUES ($1, $2, $3)"
                               " ON CONFLICT DO NOTHING", *row)


async def solicitation_facts(conn: Any, solicitation_id: str) -> SolicitationFacts | None:
    """The solicitation and its opened bids, or ``None`` when it is unknown."""
    found = await solicitation_of(conn, solicitation_id)
    if not found.exists:
        return None
    bids = await opened_bids(conn, solicitation_id)
    return SolicitationFacts(
        solicitation_id=found.solicitation_id, agency_id=found.agency_id,
        solicitation_type=found.solicitation_type, title=found.title,
        criteria=tuple(Criterion(criterion_id=c.criterion_id, name=c.name, weight=c.weight,
                                 scale_max=c.scale_max, is_price=c.is_price, description=c.description)
                       for c in found.criteria),
        allows_multiple_awards=found.allows_multiple_awards, opened=found.opened_at is not None,
        cancelled=found.cancelled, bidders=found.bidders,
        bids=tuple(BidFacts(bid_id=b.bid_id, vendor_id=b.vendor_id, price=b.price,
                            responses=tuple(Response(criterion_id=r.criterion_id, text=r.text)
                                            for r in b.responses), counts=b.counts)
                   for b in bids),
    )


async def require_solicitation(conn: Any, solicitation_id: str) -> SolicitationFacts:
    facts = await solicitation_facts(conn, solicitation_id)
    if facts is None:
        raise NotFound(f"solicitation {solicitation_id} not found")
    return facts


async def require_bid_solicitation(conn: Any, bid_id: str) -> SolicitationFacts:
    """The solicitation of an opened bid (bids are unknown here until opened)."""
    solicitation_id = await solicitation_of_opened_bid(conn, bid_id)
    if solicitation_id is None:
        # Right after an opening its bids are unsealed a moment later: a bid that may be
        # about to appear is 409 not_yet_visible (with Retry-After), never "not found".
        settled = await unsealing_settled(conn)
        solicitation_id = await solicitation_of_opened_bid(conn, bid_id)
        if solicitation_id is None:
            raise NotFound(f"bid {bid_id} not found among opened bids") if settled else NotYetVisible(
                f"bid {bid_id} is being unsealed; retry shortly")
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


async def _solicitation_of(conn: Any, kind: str, id_: str) -> str:
    found = await conn.fetchval("SELECT solicitation_id FROM award_index WHERE id = $1 AND kind = $2", id_, kind)
    if found is None:
        raise NotFound(f"{kind} {id_} not found")
    return found


async def solicitation_of_award(conn: Any, award_id: str) -> str:
    return await _solicitation_of(conn, "award", award_id)


async def solicitation_of_protest(conn: Any, protest_id: str) -> str:
    return await _solicitation_of(conn, "protest", protest_id)
