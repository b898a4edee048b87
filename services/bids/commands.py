"""Commands (imperative) for bids, and the facts a bid decision needs from other contexts."""

from __future__ import annotations

from datetime import datetime

import msgspec

from events.base import Money
from events.bids import Attestations, CriterionResponse, LinePrice
from events.solicitations import DocumentRef
from services.solicitations.facts import SolicitationFacts


class BidContent(msgspec.Struct, frozen=True, kw_only=True):
    """What a vendor offers; stored only sealed until the opening."""

    price: Money
    responses: list[CriterionResponse] = []
    documents: list[DocumentRef] = []
    attestations: Attestations
    #: a unit price per line of the solicitation's price schedule
    unit_prices: list[LinePrice] = []


class VendorFacts(msgspec.Struct, frozen=True, kw_only=True):
    """The acting vendor's standing, read at the edge from the vendor standing model."""

    vendor_id: str
    known: bool = True
    status: str = "approved"
    expires_at: datetime | None = None
    excluded: bool = False
    users: tuple[str, ...] = ()
    # Programs with a verified certification valid on the solicitation's deadline date.
    certified_programs: frozenset[str] = frozenset()


class SubmitBid(msgspec.Struct, frozen=True, kw_only=True):
    """A new bid: its content in clear for the checks, and sealed for the stream."""

    bid_id: str
    solicitation_id: str
    content: BidContent
    sealed: str
    acknowledged_addendum: int = 0
    # read at the edge from the solicitation's and the vendor's facts
    facts: SolicitationFacts
    vendor: VendorFacts


class ReplaceBid(msgspec.Struct, frozen=True, kw_only=True):
    """The active bid's content, replaced before the deadline (``None``: same addendum)."""

    content: BidContent
    sealed: str
    acknowledged_addendum: int | None = None
    # read at the edge from the solicitation's and the vendor's facts
    facts: SolicitationFacts
    vendor: VendorFacts


class WithdrawBid(msgspec.Struct, frozen=True, kw_only=True):
    facts: SolicitationFacts
    vendor: VendorFacts


class AcknowledgeAddendum(msgspec.Struct, frozen=True, kw_only=True):
    facts: SolicitationFacts
    vendor: VendorFacts
    number: int


class UnsealBid(msgspec.Struct, frozen=True, kw_only=True):
    """Sent at the opening with the decrypted content."""

    facts: SolicitationFacts
    content: BidContent


Command = SubmitBid | ReplaceBid | WithdrawBid | AcknowledgeAddendum | UnsealBid
