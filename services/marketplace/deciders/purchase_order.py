"""A purchase order (a delivery or task order) against an active contract's catalog:
placed -> accepted | rejected by the vendor | cancelled by the buyer before acceptance;
accepted -> received (line by line, in as many deliveries as it takes). Pure."""

from __future__ import annotations

import msgspec

from events.base import Event, Money
from events.marketplace import (
    DeliveryReceived,
    OrderLine,
    OrderSplittingSuspected,
    PurchaseOrderAccepted,
    PurchaseOrderCancelled,
    PurchaseOrderPlaced,
    PurchaseOrderRejected,
)
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from kernel.limits import MAX_AMOUNT
from services.marketplace.commands import (
    AcceptOrder,
    CancelOrder,
    OrderCommand,
    PlaceOrder,
    RecordReceipt,
    RejectOrder,
)
from services.marketplace.competition import competition_for
from services.marketplace.splitting import suspected_splitting

MAX_QUANTITY = 10**9


class PurchaseOrder(msgspec.Struct, frozen=True, kw_only=True):
    placed: PurchaseOrderPlaced | None = None
    #: "placed" | "accepted" | "rejected" | "cancelled" | "received"
    status: str = "none"
    #: item id -> quantity received so far
    received: dict[str, int] = {}
    receipts: tuple[DeliveryReceived, ...] = ()
    ended_reason: str = ""
    #: splitting warnings raised when the order was placed (on the record, not refusals)
    warnings: tuple[OrderSplittingSuspected, ...] = ()

    @property
    def exists(self) -> bool:
        return self.placed is not None

    def outstanding(self, item_id: str) -> int:
        assert self.placed is not None
        ordered = sum(line.quantity for line in self.placed.lines if line.item_id == item_id)
        return ordered - self.received.get(item_id, 0)


def _existing(state: PurchaseOrder) -> PurchaseOrderPlaced:
    if state.placed is None:
        raise NotFound("purchase order not found")
    return state.placed


def _require_status(state: PurchaseOrder, *allowed: str) -> None:
    if state.status not in allowed:
        raise Conflict(f"the purchase order is {state.status}", code=f"order_{state.status}")


def _place(command: PlaceOrder, state: PurchaseOrder, ctx: Context) -> list[Event]:
    if ctx.actor.role != "buyer" or not ctx.actor.agency:
        raise Forbidden("a buyer places purchase orders for their agency", code="not_agency_buyer")
    if state.exists:
        raise Conflict(f"purchase order {command.order_id} already exists", code="duplicate")
    contract = command.contract
    if contract.status != "active":
        raise Conflict(f"contract {contract.contract_id} is {contract.status}, not active",
                       code="contract_not_active")
    if not contract.catalog:
        raise Conflict(f"contract {contract.contract_id} has no catalog to order from", code="no_catalog")
    if command.currency is not None and command.currency != contract.currency:
        raise field_error("currency", f"the contract is in {contract.currency}", code="currency_mismatch")
    if not command.lines:
        raise field_error("lines", "order at least one catalog item")
    today = ctx.now.date()
    if command.requested_delivery < today:
        raise field_error("requested_delivery", "must not be in the past")
    if contract.end_date is not None and command.requested_delivery > contract.end_date:
        raise field_error("requested_delivery", f"the contract ends on {contract.end_date.isoformat()}")
    address = command.delivery_address
    for name in ("line1", "city", "postal_code", "country"):
        if not getattr(address, name).strip():
            raise field_error(f"delivery_address.{name}", "must not be blank")
    catalog = {item.item_id: item for item in contract.catalog}
    seen: set[str] = set()
    lines: list[OrderLine] = []
    for i, line in enumerate(command.lines):
        item = catalog.get(line.item_id)
        if item is None:
            raise field_error(f"lines[{i}].item_id", f"{line.item_id} is not in the contract's catalog",
                              code="not_in_catalog")
        if line.item_id in seen:
            raise field_error(f"lines[{i}].item_id", f"{line.item_id} is already a line of this order",
                              code="duplicate_line")
        seen.add(line.item_id)
        if not 1 <= line.quantity <= MAX_QUANTITY:
            raise field_error(f"lines[{i}].quantity", f"a whole number from 1 to {MAX_QUANTITY}")
        amount = item.unit_price.amount * line.quantity
        lines.append(OrderLine(item_id=item.item_id, description=item.description,
                               commodity_code=item.commodity_code, unit=item.unit, quantity=line.quantity,
                               unit_price=item.unit_price,
                               amount=Money(amount=amount, currency=item.unit_price.currency)))
    total = sum(line.amount.amount for line in lines)
    if total > MAX_AMOUNT:
        raise field_error("lines", "the order's total is beyond any public budget")
    if total <= 0:
        raise field_error("lines", "the order's total must be positive")
    order_total = Money(amount=total, currency=contract.currency)
    competition = competition_for(
        agency_id=ctx.actor.agency, contract_id=contract.contract_id, commodity_codes=[line.commodity_code for line in lines], total=order_total, rule=command.competition,
        choice=command.choice, now=ctx.now)
    placed = PurchaseOrderPlaced(
        order_id=command.order_id, contract_id=contract.contract_id, agency_id=ctx.actor.agency,
        vendor_id=contract.vendor_id, lines=lines, total=order_total,
        delivery_address=address, requested_delivery=command.requested_delivery, placed_by=ctx.actor.sub,
        placed_at=ctx.now, lead_agency_id=contract.lead_agency_id, competition=competition)
    warnings = suspected_splitting(
        order_id=command.order_id, agency_id=ctx.actor.agency, vendor_id=contract.vendor_id,
        commodity_codes=[line.commodity_code for line in lines], total=placed.total, now=ctx.now,
        recent=command.recent, rule=command.splitting)
    return [placed, *warnings]


def _require_vendor(placed: PurchaseOrderPlaced, acting_vendors: frozenset[str], ctx: Context) -> None:
    if ctx.actor.role != "vendor" or placed.vendor_id not in acting_vendors:
        raise Forbidden("only the contract's vendor answers a purchase order", code="not_the_vendor")


def _require_ordering_buyer(placed: PurchaseOrderPlaced, ctx: Context) -> None:
    if ctx.actor.role != "buyer" or ctx.actor.agency != placed.agency_id:
        raise Forbidden("only a buyer of the ordering agency may do this", code="not_ordering_agency")


def _accept(command: AcceptOrder, state: PurchaseOrder, ctx: Context) -> list[Event]:
    placed = _existing(state)
    _require_vendor(placed, command.acting_vendors, ctx)
    _require_status(state, "placed")
    return [PurchaseOrderAccepted(order_id=placed.order_id, accepted_by=ctx.actor.sub, accepted_at=ctx.now)]


def _reject(command: RejectOrder, state: PurchaseOrder, ctx: Context) -> list[Event]:
    placed = _existing(state)
    _require_vendor(placed, command.acting_vendors, ctx)
    _require_status(state, "placed")
    if not command.reason.strip():
        raise field_error("reason", "a rejection states its reason")
    return [PurchaseOrderRejected(order_id=placed.order_id, reason=command.reason.strip(),
                                  rejected_by=ctx.actor.sub, rejected_at=ctx.now)]


def _cancel(command: CancelOrder, state: PurchaseOrder, ctx: Context) -> list[Event]:
    placed = _existing(state)
    _require_ordering_buyer(placed, ctx)
    if state.status == "accepted" or state.status == "received":
        raise Conflict("the vendor has accepted this order: it can no longer be cancelled", code="order_accepted")
    _require_status(state, "placed")
    if not command.reason.strip():
        raise field_error("reason", "a cancellation states its reason")
    return [PurchaseOrderCancelled(order_id=placed.order_id, reason=command.reason.strip(),
                                   cancelled_by=ctx.actor.sub, cancelled_at=ctx.now)]


def _receive(command: RecordReceipt, state: PurchaseOrder, ctx: Context) -> list[Event]:
    placed = _existing(state)
    _require_ordering_buyer(placed, ctx)
    if state.status == "placed":
        raise Conflict("deliveries are received once the vendor has accepted the order", code="order_not_accepted")
    _require_status(state, "accepted")
    if any(r.receipt_id == command.receipt_id for r in state.receipts):
        raise Conflict("receipt already recorded", code="duplicate")
    if not command.lines:
        raise field_error("lines", "receive at least one line")
    if command.received_on > ctx.now.date():
        raise field_error("received_on", "must not be in the future")
    if command.received_on < placed.placed_at.date():
        raise field_error("received_on", "must not be before the order was placed")
    ordered = {line.item_id for line in placed.lines}
    seen: set[str] = set()
    received = dict(state.received)
    for i, line in enumerate(command.lines):
        if line.item_id not in ordered:
            raise field_error(f"lines[{i}].item_id", f"{line.item_id} is not a line of this order",
                              code="not_in_order")
        if line.item_id in seen:
            raise field_error(f"lines[{i}].item_id", "one entry per line in a receipt", code="duplicate_line")
        seen.add(line.item_id)
        if not 1 <= line.quantity <= MAX_QUANTITY:
            raise field_error(f"lines[{i}].quantity", "a positive whole number")
        outstanding = state.outstanding(line.item_id)
        if line.quantity > outstanding:
            raise field_error(f"lines[{i}].quantity", f"only {outstanding} of {line.item_id} remain to be received",
                              code="over_received")
        received[line.item_id] = received.get(line.item_id, 0) + line.quantity
    complete = all(received.get(line.item_id, 0) >= line.quantity for line in placed.lines)
    return [DeliveryReceived(order_id=placed.order_id, receipt_id=command.receipt_id, lines=list(command.lines),
                             received_on=command.received_on, received_by=ctx.actor.sub, recorded_at=ctx.now,
                             complete=complete)]


def decide(command: OrderCommand, state: PurchaseOrder, ctx: Context) -> list[Event]:
    match command:
        case PlaceOrder():
            return _place(command, state, ctx)
        case AcceptOrder():
            return _accept(command, state, ctx)
        case RejectOrder():
            return _reject(command, state, ctx)
        case CancelOrder():
            return _cancel(command, state, ctx)
        case RecordReceipt():
            return _receive(command, state, ctx)
    raise TypeError(f"unknown command {command!r}")


def evolve(state: PurchaseOrder, event: Event) -> PurchaseOrder:
    replace = msgspec.structs.replace
    match event:
        case PurchaseOrderPlaced():
            return PurchaseOrder(placed=event, status="placed")
        case PurchaseOrderAccepted():
            return replace(state, status="accepted")
        case PurchaseOrderRejected():
            return replace(state, status="rejected", ended_reason=event.reason)
        case PurchaseOrderCancelled():
            return replace(state, status="cancelled", ended_reason=event.reason)
        case OrderSplittingSuspected():
            return replace(state, warnings=(*state.warnings, event))
        case DeliveryReceived():
            received = dict(state.received)
            for line in event.lines:
                received[line.item_id] = received.get(line.item_id, 0) + line.quantity
            return replace(state, received=received, receipts=(*state.receipts, event),
                           status="received" if event.complete else state.status)
    return state


PURCHASE_ORDER = Decider(stream_prefix="purchase-order", initial=PurchaseOrder, decide=decide, evolve=evolve)
