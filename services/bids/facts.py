"""What other contexts may know of a bid (never its content)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from services.bids.decider import BID
from services.bids.solicitation_facts import load_facts


class BidFacts(msgspec.Struct, frozen=True, kw_only=True):
    bid_id: str
    solicitation_id: str
    agency_id: str
    vendor_id: str
    #: "active" | "withdrawn"
    status: str
    #: bids (and what is attached to them) change only while this is True
    open_for_changes_until: datetime | None
    solicitation_published: bool
    opened: bool


async def bid_facts(executor: Any, bid_id: str) -> BidFacts | None:
    bid, version = await executor.load(BID, bid_id)
    if version == 0 or not bid.exists:
        return None
    solicitation = await load_facts(executor.store, bid.solicitation_id)
    return BidFacts(
        bid_id=bid.bid_id, solicitation_id=bid.solicitation_id, agency_id=solicitation.agency_id,
        vendor_id=bid.vendor_id, status=bid.status,
        open_for_changes_until=solicitation.submission_deadline,
        solicitation_published=solicitation.status == "published",
        opened=solicitation.opened_at is not None,
    )
