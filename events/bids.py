"""Bid events. Before opening a bid's content exists only as ciphertext (``sealed``):
no price, response, document or attestation is ever stored in clear until
``BidUnsealed`` after the solicitation is opened."""

from __future__ import annotations

from datetime import datetime

import msgspec

from events.base import Event, Money
from events.solicitations import DocumentRef


class CriterionResponse(msgspec.Struct, frozen=True, kw_only=True):
    criterion_id: str
    text: str


class Attestations(msgspec.Struct, frozen=True, kw_only=True):
    no_conflict_of_interest: bool
    non_collusion: bool
    #: whether AI tools helped write the bid (``None``: not declared), as some buyers require
    ai_assisted: bool | None = None


class LinePrice(msgspec.Struct, frozen=True, kw_only=True):
    """A bid's unit price for one line of the solicitation's price schedule."""

    item_id: str
    unit_price: Money


class BidSubmitted(Event, frozen=True, kw_only=True, tag="bids.BidSubmitted.v1"):
    bid_id: str
    solicitation_id: str
    vendor_id: str
    received_at: datetime
    sealed: str
    acknowledged_addendum: int = 0
    submitted_by: str = ""


class BidReplaced(Event, frozen=True, kw_only=True, tag="bids.BidReplaced.v1"):
    bid_id: str
    solicitation_id: str
    vendor_id: str
    received_at: datetime
    sealed: str
    acknowledged_addendum: int = 0
    submitted_by: str = ""


class BidWithdrawn(Event, frozen=True, kw_only=True, tag="bids.BidWithdrawn.v1"):
    bid_id: str
    solicitation_id: str
    vendor_id: str
    withdrawn_at: datetime | None = None


class AddendumAcknowledged(Event, frozen=True, kw_only=True, tag="bids.AddendumAcknowledged.v1"):
    bid_id: str
    number: int
    solicitation_id: str = ""
    vendor_id: str = ""


class BidUnsealed(Event, frozen=True, kw_only=True, tag="bids.BidUnsealed.v1"):
    bid_id: str
    solicitation_id: str
    vendor_id: str
    price: Money
    responses: list[CriterionResponse]
    received_at: datetime
    acknowledged_addendum: int
    attestations: Attestations
    documents: list[DocumentRef] = []
    # False when the latest addendum was not acknowledged (the bid does not count).
    counts: bool = True
    #: the unit price of each line of the price schedule (none without a schedule)
    unit_prices: list[LinePrice] = []


BidEvent = BidSubmitted | BidReplaced | BidWithdrawn | AddendumAcknowledged | BidUnsealed
