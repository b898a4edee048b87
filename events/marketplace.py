"""Marketplace events: agencies joining cooperative contracts, the spend each order
commits against a contract's ceilings, and purchase orders from placement to delivery."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from events.base import Event, Money


class ParticipationRequested(Event, frozen=True, kw_only=True, tag="marketplace.ParticipationRequested.v1"):
    """An eligible agency asked to use a cooperative contract; ``approved`` when the
    contract needs no approval by the lead agency."""

    contract_id: str
    agency_id: str
    requested_by: str
    requested_at: datetime
    approved: bool
    #: what the joining agency told the lead agency
    note: str = ""


class ParticipantApproved(Event, frozen=True, kw_only=True, tag="marketplace.ParticipantApproved.v1"):
    contract_id: str
    agency_id: str
    approved_by: str
    approved_at: datetime


class OrderCommitted(Event, frozen=True, kw_only=True, tag="marketplace.OrderCommitted.v1"):
    """An order's total counted against the contract's and the agency's ceilings."""

    contract_id: str
    order_id: str
    agency_id: str
    amount: Money


class OrderReleased(Event, frozen=True, kw_only=True, tag="marketplace.OrderReleased.v1"):
    """A rejected or cancelled order no longer counts against the ceilings."""

    contract_id: str
    order_id: str
    agency_id: str
    amount: Money
    reason: str


class OrderLine(msgspec.Struct, frozen=True, kw_only=True):
    """A catalog item ordered, priced at the catalog's unit price on the order date."""

    item_id: str
    description: str
    commodity_code: str
    unit: str
    quantity: int
    unit_price: Money
    amount: Money


class DeliveryAddress(msgspec.Struct, frozen=True, kw_only=True):
    line1: str
    city: str
    postal_code: str
    country: str = "US"
    line2: str = ""
    region: str = ""


class Competition(msgspec.Struct, frozen=True, kw_only=True):
    """Which competition rule an order met: ``direct`` (at or under the ordering agency's
    micro-purchase threshold), ``quotes`` (quotes requested from enough contract holders,
    the lowest or the best value chosen) or ``sole_source`` (a written justification)."""

    rule: str
    threshold: Money | None = None
    citation: str = ""
    quote_request_id: str = ""
    quotes_received: int = 0
    #: "lowest" | "best_value" (quotes only)
    basis: str = ""
    #: why the best value or the sole source (written by the buyer)
    justification: str = ""


class PurchaseOrderPlaced(Event, frozen=True, kw_only=True, tag="marketplace.PurchaseOrderPlaced.v1"):
    order_id: str
    contract_id: str
    #: the ordering agency
    agency_id: str
    vendor_id: str
    lines: list[OrderLine]
    total: Money
    delivery_address: DeliveryAddress
    requested_delivery: date
    placed_by: str
    placed_at: datetime
    #: the agency hosting the contract
    lead_agency_id: str = ""
    #: the competition rule the order met (``None``: placed before the rules applied)
    competition: Competition | None = None


class PurchaseOrderAccepted(Event, frozen=True, kw_only=True, tag="marketplace.PurchaseOrderAccepted.v1"):
    order_id: str
    accepted_by: str
    accepted_at: datetime


class PurchaseOrderRejected(Event, frozen=True, kw_only=True, tag="marketplace.PurchaseOrderRejected.v1"):
    order_id: str
    reason: str
    rejected_by: str
    rejected_at: datetime


class PurchaseOrderCancelled(Event, frozen=True, kw_only=True, tag="marketplace.PurchaseOrderCancelled.v1"):
    order_id: str
    reason: str
    cancelled_by: str
    cancelled_at: datetime


class OrderSplittingSuspected(Event, frozen=True, kw_only=True,
                              tag="marketplace.OrderSplittingSuspected.v1"):
    """A warning: several orders of one agency to one vendor for one commodity code, each
    under a threshold, together pass it within the look-back window."""

    order_id: str
    agency_id: str
    vendor_id: str
    commodity_code: str
    threshold: str
    threshold_value: Money
    combined_value: Money
    related_order_ids: list[str]
    window_days: int


class ReceivedLine(msgspec.Struct, frozen=True, kw_only=True):
    item_id: str
    quantity: int


class DeliveryReceived(Event, frozen=True, kw_only=True, tag="marketplace.DeliveryReceived.v1"):
    """A delivery counted in by the ordering agency, line by line."""

    order_id: str
    receipt_id: str
    lines: list[ReceivedLine]
    received_on: date
    received_by: str
    recorded_at: datetime
    #: every line of the order is now received in full
    complete: bool = False


class QuotesRequested(Event, frozen=True, kw_only=True, tag="marketplace.QuotesRequested.v1"):
    """A request for quotes among the holders of contracts for one commodity."""

    request_id: str
    agency_id: str
    commodity_code: str
    description: str
    due_at: datetime
    #: the invited contracts and their vendors, in the same order
    contract_ids: list[str]
    vendor_ids: list[str]
    requested_by: str
    requested_at: datetime


class QuoteSubmitted(Event, frozen=True, kw_only=True, tag="marketplace.QuoteSubmitted.v1"):
    request_id: str
    contract_id: str
    vendor_id: str
    amount: Money
    note: str = ""
    submitted_by: str
    submitted_at: datetime


QuoteRequestEvent = QuotesRequested | QuoteSubmitted
CooperativeEvent = ParticipationRequested | ParticipantApproved | OrderCommitted | OrderReleased
PurchaseOrderEvent = (
    PurchaseOrderPlaced | PurchaseOrderAccepted | PurchaseOrderRejected | PurchaseOrderCancelled | DeliveryReceived
    | OrderSplittingSuspected
)
