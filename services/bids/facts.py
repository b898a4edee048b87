"""What other contexts may know of bids.

- Before the opening: only whether a solicitation has active bids (agency staff learn it
  after the deadline), never their content.
- At the opening: the tabulation. Only the bids service holds the bid key, so it unseals
  the active bids for the solicitation's opening (``opening_tabulation``), which the
  solicitations service records in ``SolicitationOpened``; this service then records
  ``BidUnsealed`` for each bid from that event.
- After it: each opened bid's content, for the evaluation.

Read from ``bid_facts`` (``readmodel.py``), applied in the transaction of every bid event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
from asyncpg import Pool

from events.bids import BidUnsealed
from events.solicitations import TabulationEntry
from infra.clock import Clock
from infra.executor import Executor
from infra.postgres_store import caught_up_now
from infra.settings import Settings
from services.bids.decider import BID
from services.bids.reactors import UnsealOnOpening
from services.bids.readmodel import bid_ids_of
from services.bids.sealing import vault_for
from services.solicitations.facts import solicitation_facts
from services.vendors.facts import vendor_standing

_unsealed = msgspec.json.Decoder(BidUnsealed)


class VendorBid(msgspec.Struct, frozen=True, kw_only=True):
    bid_id: str
    vendor_id: str
    status: str  # "active" | "withdrawn"


async def bids_of_vendors(conn: Any, solicitation_id: str, vendor_ids: Sequence[str]) -> list[VendorBid]:
    """The bids these vendors made on a solicitation, in the order of ``vendor_ids`` (for
    the vendors themselves: never shown to anyone else before the opening)."""
    rows = await conn.fetch(
        "SELECT bid_id, vendor_id, active FROM bid_facts WHERE solicitation_id = $1 AND vendor_id = ANY($2::text[])",
        solicitation_id, list(vendor_ids))
    found = {r["vendor_id"]: r for r in rows}
    return [VendorBid(bid_id=found[v]["bid_id"], vendor_id=v, status="active" if found[v]["active"] else "withdrawn")
            for v in vendor_ids if v in found]


async def has_active_bids(conn: Any, solicitation_id: str) -> bool:
    return bool(await conn.fetchval(
        "SELECT 1 FROM bid_facts WHERE solicitation_id = $1 AND active LIMIT 1", solicitation_id))


async def opened_bids(conn: Any, solicitation_id: str) -> list[BidUnsealed]:
    """The bids unsealed at the solicitation's opening, by bid id (none before it)."""
    rows = await conn.fetch(
        "SELECT unsealed FROM bid_facts WHERE solicitation_id = $1 AND unsealed IS NOT NULL ORDER BY bid_id",
        solicitation_id)
    return [_unsealed.decode(r["unsealed"]) for r in rows]


async def opened_bid(conn: Any, bid_id: str) -> BidUnsealed | None:
    """One bid as unsealed at the opening (``None`` before it, or for an unknown bid)."""
    row = await conn.fetchval("SELECT unsealed FROM bid_facts WHERE bid_id = $1 AND unsealed IS NOT NULL", bid_id)
    return _unsealed.decode(row) if row is not None else None


async def solicitation_of_opened_bid(conn: Any, bid_id: str) -> str | None:
    """The solicitation of an opened bid (a bid is unknown here until opened)."""
    return await conn.fetchval(
        "SELECT solicitation_id FROM bid_facts WHERE bid_id = $1 AND unsealed IS NOT NULL", bid_id)


async def unsealing_settled(conn: Any) -> bool:
    """Whether every opening stored before the call has had its bids unsealed (waiting a
    moment for it): a bid not among the opened ones after that is not one of them, while a
    False means it may be, a moment later (the unsealing follows the opening)."""
    return await caught_up_now(conn, UnsealOnOpening.name)


async def opening_tabulation(executor: Executor, pool: Pool, clock: Clock, settings: Settings,
                             solicitation_id: str, latest_addendum: int) -> list[TabulationEntry]:
    """The active bids, unsealed, in the order they were received: what the opening records."""
    vault = vault_for(settings)
    now = clock.now()
    entries = []
    async with pool.acquire() as conn:
        bid_ids = await bid_ids_of(conn, solicitation_id)
    for bid_id in bid_ids:
        bid, _ = await executor.load(BID, bid_id)
        if not bid.active or bid.received_at is None:
            continue
        content = vault.unseal(bid.sealed, bid_id=bid.bid_id, solicitation_id=solicitation_id,
                               vendor_id=bid.vendor_id)
        async with pool.acquire() as conn:
            standing = await vendor_standing(conn, bid.vendor_id, now)
        entries.append(TabulationEntry(
            bid_id=bid.bid_id, vendor_id=bid.vendor_id, price=content.price, received_at=bid.received_at,
            vendor_name=standing.legal_name if standing else "",
            acknowledged_addendum=bid.acknowledged_addendum,
            counts=bid.acknowledged_addendum >= latest_addendum,
        ))
    return sorted(entries, key=lambda e: (e.received_at, e.bid_id))


class BidFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A bid's parties and whether it still takes changes (never its content)."""

    bid_id: str
    solicitation_id: str
    agency_id: str
    vendor_id: str
    #: "active" | "withdrawn"
    status: str
    #: bids (and what is attached to them) change only until this time
    open_for_changes_until: datetime | None
    solicitation_published: bool
    opened: bool


async def bid_of(conn: Any, bid_id: str) -> BidFacts | None:
    """The bid's facts, as current as its own stream (``bid_facts`` is applied inline)."""
    row = await conn.fetchrow("SELECT solicitation_id, vendor_id, active FROM bid_facts WHERE bid_id = $1", bid_id)
    if row is None:
        return None
    solicitation = await solicitation_facts(conn, row["solicitation_id"])
    return BidFacts(
        bid_id=bid_id, solicitation_id=row["solicitation_id"], agency_id=solicitation.agency_id,
        vendor_id=row["vendor_id"], status="active" if row["active"] else "withdrawn",
        open_for_changes_until=solicitation.submission_deadline,
        solicitation_published=solicitation.status == "published",
        opened=solicitation.opened_at is not None)
