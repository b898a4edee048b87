"""Request and response bodies of the marketplace API, and what each role may see."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, cast

import msgspec

from events.base import Money
from events.contracts import CatalogItem
from events.marketplace import Competition, DeliveryAddress, OrderSplittingSuspected, ReceivedLine
from infra.http.bodies import Currency, MoneyIn
from kernel.money import fmt
from services.marketplace.deciders.cooperative import Cooperative
from services.marketplace.deciders.purchase_order import MAX_QUANTITY, PurchaseOrder
from services.marketplace.deciders.quote_request import QuoteRequest
from services.marketplace.readmodel.listing import Facets

_Id = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
_ItemId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
_Quantity = Annotated[int, msgspec.Meta(ge=1, le=MAX_QUANTITY, description="a positive whole number of units")]
_Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class JoinIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A buyer's request to use the contract for their agency."""

    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class ParticipantOut(msgspec.Struct, frozen=True, kw_only=True):
    agency_id: str
    #: "pending" (waiting for the lead agency) | "approved"
    status: Literal["pending", "approved"]
    requested_at: datetime
    approved_at: datetime | None
    #: what the agency's open orders commit against the contract
    committed: Money
    #: what the agency told the lead agency when it asked to join
    note: str = ""


class ParticipantsOut(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    lead_agency_id: str
    #: every participant for the lead agency and oversight; the caller's own agency otherwise
    participants: list[ParticipantOut]


def participants_out(contract_id: str, lead_agency_id: str, currency: str, state: Cooperative,
                     shown: set[str] | None) -> ParticipantsOut:
    """``shown``: the agencies the caller may see (``None``: all)."""
    return ParticipantsOut(contract_id=contract_id, lead_agency_id=lead_agency_id, participants=[
        ParticipantOut(agency_id=p.agency_id, status=cast(Literal["pending", "approved"], p.status),
                       requested_at=p.requested_at, approved_at=p.approved_at,
                       committed=Money(amount=state.committed_by(p.agency_id), currency=currency), note=p.note)
        for p in sorted(state.participants.values(), key=lambda p: p.agency_id)
        if shown is None or p.agency_id in shown])


class LineIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    item_id: _ItemId
    quantity: _Quantity


class AddressIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    line1: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    city: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    postal_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    country: Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")] = "US"
    line2: Annotated[str, msgspec.Meta(max_length=200)] = ""
    region: Annotated[str, msgspec.Meta(max_length=100)] = ""

    def address(self) -> DeliveryAddress:
        return DeliveryAddress(**msgspec.structs.asdict(self))


class CompetitionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Above the micro-purchase threshold: the request for quotes the order follows (and
    the basis of the choice), or, without one, a written sole-source justification."""

    quote_request_id: _Id | None = None
    basis: Literal["lowest", "best_value"] = "lowest"
    justification: Annotated[str, msgspec.Meta(max_length=4000)] = ""


class PurchaseOrderIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    contract_id: _Id
    lines: Annotated[list[LineIn], msgspec.Meta(min_length=1, max_length=500)]
    delivery_address: AddressIn
    requested_delivery: date
    #: the currency the buyer expects: refused (422) when it is not the contract's
    currency: Currency | None = None
    competition: CompetitionIn | None = None


class ReasonIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: _Reason


class ReceiptIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    lines: Annotated[list[LineIn], msgspec.Meta(min_length=1, max_length=500)]
    received_on: date

    def received(self) -> list[ReceivedLine]:
        return [ReceivedLine(item_id=line.item_id, quantity=line.quantity) for line in self.lines]


class OrderLineOut(msgspec.Struct, frozen=True, kw_only=True):
    item_id: str
    description: str
    commodity_code: str
    unit: str
    quantity: int
    unit_price: Money
    amount: Money
    received: int


class ReceiptOut(msgspec.Struct, frozen=True, kw_only=True):
    receipt_id: str
    lines: list[ReceivedLine]
    received_on: date
    received_by: str
    recorded_at: datetime


OrderStatus = Literal["placed", "accepted", "rejected", "cancelled", "received"]


class PurchaseOrderOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    contract_id: str
    #: the ordering agency
    agency_id: str
    lead_agency_id: str
    vendor_id: str
    status: OrderStatus
    lines: list[OrderLineOut]
    total: Money
    delivery_address: DeliveryAddress
    requested_delivery: date
    placed_by: str
    placed_at: datetime
    receipts: list[ReceiptOut]
    #: why it was rejected or cancelled
    reason: str | None
    version: int
    #: the competition rule the order met: direct, quotes or sole_source
    competition: Competition | None = None
    #: possible splitting: with the agency's other orders to this vendor for one commodity,
    #: each under a threshold, the total passes it (on the record; the order stands)
    warnings: list[str] = []


def order_out(state: PurchaseOrder, version: int) -> PurchaseOrderOut:
    placed = state.placed
    assert placed is not None
    return PurchaseOrderOut(
        id=placed.order_id, contract_id=placed.contract_id, agency_id=placed.agency_id,
        lead_agency_id=placed.lead_agency_id or placed.agency_id, vendor_id=placed.vendor_id,
        status=cast(OrderStatus, state.status),
        lines=[OrderLineOut(item_id=line.item_id, description=line.description, commodity_code=line.commodity_code,
                            unit=line.unit, quantity=line.quantity, unit_price=line.unit_price, amount=line.amount,
                            received=state.received.get(line.item_id, 0)) for line in placed.lines],
        total=placed.total, delivery_address=placed.delivery_address, requested_delivery=placed.requested_delivery,
        placed_by=placed.placed_by, placed_at=placed.placed_at,
        receipts=[ReceiptOut(receipt_id=r.receipt_id, lines=list(r.lines), received_on=r.received_on,
                             received_by=r.received_by, recorded_at=r.recorded_at) for r in state.receipts],
        reason=state.ended_reason or None, version=version, competition=placed.competition, warnings=[_warning(w) for w in state.warnings])


def _warning(event: OrderSplittingSuspected) -> str:
    return (f"possible splitting: with {len(event.related_order_ids)} other order(s) to {event.vendor_id} for "
            f"{event.commodity_code} in {event.window_days} days the total {fmt(event.combined_value)} passes the "
            f"{event.threshold.replace('_', ' ')} threshold of {fmt(event.threshold_value)}")


class PurchaseOrderSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    contract_id: str
    agency_id: str
    vendor_id: str
    status: OrderStatus
    total: Money
    placed_at: datetime


class PurchaseOrderPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[PurchaseOrderSummary]
    #: the next page (keyset): pass it as ``cursor``; None on the last page
    next_cursor: str | None
    limit: int


class EligibilityOut(msgspec.Struct, frozen=True, kw_only=True):
    """Who may use the contract, as the solicitation stated it in public."""

    eligible: Literal["all", "agencies", "jurisdictions"]
    agencies: list[str]
    jurisdictions: list[str]
    approval_required: bool
    total_ceiling: Money | None
    participant_ceiling: Money | None


class MarketplaceContractOut(msgspec.Struct, frozen=True, kw_only=True):
    """A cooperative contract as anyone may see it."""

    id: str
    title: str
    lead_agency_id: str
    vendor_id: str
    status: Literal["active", "completed", "terminated"]
    start_date: date
    end_date: date
    currency: str
    catalog: list[CatalogItem]
    escalation_cap_percent: float | None
    eligibility: EligibilityOut
    #: the share of the contract's total ceiling still open to orders, from 0 to 1
    ceiling_left_share: float
    participants: int


class MarketplaceSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    lead_agency_id: str
    vendor_id: str
    end_date: date
    currency: str
    commodity_codes: list[str]
    catalog_items: int
    ceiling_left_share: float


class MarketplacePage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[MarketplaceSummary]
    #: the counts of every match by commodity code, lead agency and expiry window
    facets: Facets
    #: the next page (keyset): pass it as ``cursor``; None on the last page
    next_cursor: str | None
    limit: int


def share_left(ceiling: int | None, committed: int) -> float:
    """What is left of a ceiling, as a share rounded to hundredths (never the figures)."""
    if not ceiling:
        return 1.0
    return round(max(ceiling - committed, 0) / ceiling, 2)


class QuoteRequestIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    commodity_code: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9.\-]{2,20}$")]
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    due_at: datetime
    #: the contracts whose holders are asked to quote (the agency may order from each)
    contract_ids: Annotated[list[_Id], msgspec.Meta(min_length=1, max_length=20)]


class QuoteIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    contract_id: _Id
    amount: MoneyIn
    note: Annotated[str, msgspec.Meta(max_length=4000)] = ""


class QuoteOut(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    vendor_id: str
    amount: Money
    note: str
    submitted_at: datetime


class QuoteRequestOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    agency_id: str
    commodity_code: str
    description: str
    due_at: datetime
    contract_ids: list[str]
    #: every quote for the requesting agency and oversight; a vendor sees its own
    quotes: list[QuoteOut]
    version: int


def quote_request_out(state: QuoteRequest, version: int, vendors: set[str] | None) -> QuoteRequestOut:
    """``vendors``: the vendors whose quotes the caller may see (``None``: all)."""
    r = state.requested
    assert r is not None
    return QuoteRequestOut(
        id=r.request_id, agency_id=r.agency_id, commodity_code=r.commodity_code, description=r.description,
        due_at=r.due_at, contract_ids=list(r.contract_ids), version=version,
        quotes=[QuoteOut(contract_id=q.contract_id, vendor_id=q.vendor_id, amount=q.amount, note=q.note,
                         submitted_at=q.submitted_at)
                for q in state.quotes.values() if vendors is None or q.vendor_id in vendors])
