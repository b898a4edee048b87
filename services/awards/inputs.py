"""Facts of other contexts the evaluation decides on, read at the edge and passed in.

The solicitation's criteria and the unsealed bids come from this service's own read
model (``services/awards/readmodel.py``); a vendor's standing from the vendors' read
model. The decider sees them only as these plain values.
"""

from __future__ import annotations

import msgspec

from events.base import Money


class Criterion(msgspec.Struct, frozen=True, kw_only=True):
    criterion_id: str
    name: str
    weight: int
    scale_max: int = 10
    is_price: bool = False
    description: str = ""


class Response(msgspec.Struct, frozen=True, kw_only=True):
    criterion_id: str
    text: str


class BidFacts(msgspec.Struct, frozen=True, kw_only=True):
    """An opened bid's content. ``counts`` is False when the bid did not acknowledge the
    latest addendum: it is listed but cannot be evaluated."""

    bid_id: str
    vendor_id: str
    price: Money
    responses: tuple[Response, ...] = ()
    counts: bool = True


class SolicitationFacts(msgspec.Struct, frozen=True, kw_only=True):
    solicitation_id: str
    agency_id: str
    solicitation_type: str  # "RFI" | "RFQ" | "RFP" | "ITB"
    title: str = ""
    criteria: tuple[Criterion, ...] = ()
    allows_multiple_awards: bool = False
    opened: bool = False
    cancelled: bool = False
    bidders: tuple[str, ...] = ()  # vendor ids in the opening tabulation
    bids: tuple[BidFacts, ...] = ()

    def bid(self, bid_id: str) -> BidFacts | None:
        return next((b for b in self.bids if b.bid_id == bid_id), None)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.criterion_id == criterion_id), None)

    @property
    def scored_criteria(self) -> tuple[Criterion, ...]:
        """Criteria evaluators score (price is computed, not scored)."""
        return tuple(c for c in self.criteria if not c.is_price)


class VendorFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What tie-breaking and eligibility need to know of a bidder at decision time."""

    vendor_id: str
    excluded: bool = False
    local: bool = False  # has a local-business preference with the buying agency
    certified: bool = False  # holds a verified diversity certification valid today
