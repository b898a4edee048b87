"""The invoice aggregate: submission, finance's review, receipt, approval for payment."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import msgspec

from events.base import Event, Money
from events.compliance import PaymentTerms, RuleApplied
from events.invoices import (
    InvoiceAccepted,
    InvoiceApproved,
    InvoiceDisputed,
    InvoiceLine,
    InvoiceResubmitted,
    InvoiceSubmitted,
    ReceiptConfirmed,
    ServicePeriod,
)
from kernel.context import Actor, Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from kernel.timers import Timer, timer
from services.marketplace.facts import PurchaseOrderFacts
from services.payments import prompt_payment
from services.payments.commands import (
    AcceptInvoice,
    ApproveInvoice,
    ConfirmReceipt,
    ContractTerms,
    DeemInvoiceAccepted,
    DisputeInvoice,
    InvoiceCommand,
    LineIn,
    ResubmitInvoice,
    SubmitInvoice,
)
from services.payments.deciders.match import three_way_match

DEEMED_ACCEPTANCE = "payments.deemed_acceptance"
MAX_QUANTITY = Decimal(1_000_000_000)


class Invoice(msgspec.Struct, frozen=True, kw_only=True):
    exists: bool = False
    invoice_id: str = ""
    contract_id: str = ""
    agency_id: str = ""
    vendor_id: str = ""
    number: str = ""
    status: str = ""  # submitted | disputed | accepted | partially_approved | approved
    total: Money | None = None
    lines: tuple[InvoiceLine, ...] = ()
    service_period: ServicePeriod | None = None
    received_at: datetime | None = None
    acceptance_deadline: datetime | None = None
    accepted_at: datetime | None = None
    deemed_accepted: bool = False
    due_date: date | None = None
    requires_receipt: bool = False
    receipt_confirmed_at: datetime | None = None
    prompt_payment_days: int = 30
    late_interest_annual_rate: float = 0.05
    time_zone: str = "UTC"
    payment_terms: PaymentTerms | None = None
    rules_applied: tuple[RuleApplied, ...] = ()
    #: the pack's fixed compensation for late payment was already claimed by an approval
    compensation_claimed: bool = False
    disputes: tuple[str, ...] = ()
    approved: int = 0
    payment_ids: tuple[str, ...] = ()
    #: the purchase order billed ("": none)
    purchase_order_id: str = ""

    @property
    def unapproved(self) -> int:
        return (self.total.amount if self.total else 0) - self.approved


def priced_lines(lines: list[LineIn], currency: str) -> list[InvoiceLine]:
    """Each line with its amount (quantity x unit price, rounded half up to minor units)."""
    if not lines:
        raise field_error("lines", "at least one line")
    priced = []
    for i, line in enumerate(lines):
        if not line.description.strip():
            raise field_error(f"lines[{i}].description", "must not be blank")
        if not line.quantity.is_finite() or not Decimal(0) < line.quantity <= MAX_QUANTITY:
            raise field_error(f"lines[{i}].quantity", "must be a positive number")
        exponent = line.quantity.as_tuple().exponent  # an int: the quantity is finite
        if isinstance(exponent, int) and exponent < -4:
            raise field_error(f"lines[{i}].quantity", "at most four decimal places")
        if line.unit_price <= 0:
            raise field_error(f"lines[{i}].unit_price", "must be a positive number of minor units")
        amount = int((line.quantity * line.unit_price).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        priced.append(InvoiceLine(
            description=line.description.strip(), quantity=line.quantity,
            unit_price=Money(amount=line.unit_price, currency=currency),
            amount=Money(amount=amount, currency=currency), order_item_id=line.order_item_id))
    return priced


def _check_order_lines(lines: list[LineIn], order: PurchaseOrderFacts | None) -> None:
    """Every line of an invoice billing an order names one of the order's lines; an invoice
    without an order names none."""
    items = {line.item_id for line in order.lines} if order else set()
    for i, line in enumerate(lines):
        if order is None:
            if line.order_item_id:
                raise field_error(f"lines[{i}].order_item_id", "only an invoice billing a purchase order names "
                                  "order lines")
        elif line.order_item_id not in items:
            raise field_error(f"lines[{i}].order_item_id",
                              f"must be a line of purchase order {order.order_id}", code="not_on_order")


def _check_order(order: PurchaseOrderFacts, contract: ContractTerms, currency: str) -> None:
    if order.contract_id != contract.contract_id or order.vendor_id != contract.vendor_id:
        raise field_error("purchase_order_id", f"must be an order on contract {contract.contract_id}")
    if order.status not in ("accepted", "received"):
        raise Conflict(f"purchase order {order.order_id} is {order.status}; only an accepted order is billed",
                       code="order_not_accepted")
    if order.total.currency != currency:
        raise field_error("currency", f"must be the order currency {order.total.currency}")


def _check_total(lines: list[InvoiceLine], total: int) -> None:
    expected = sum(line.amount.amount for line in lines)
    if total != expected:
        raise field_error("total", f"must equal the sum of the lines ({expected})",
                          code="total_mismatch")


def _check_period(period: ServicePeriod, contract: ContractTerms | None = None) -> None:
    if period.end < period.start:
        raise field_error("service_period.end", "must not be before the start")
    if contract is None:
        return
    if contract.start_date is not None and period.start < contract.start_date:
        raise field_error("service_period.start",
                          f"must not be before the contract starts ({contract.start_date})")
    if contract.end_date is not None and period.end > contract.end_date:
        raise field_error("service_period.end",
                          f"must not be after the contract ends ({contract.end_date})")


def _require_finance(actor: Actor, state: Invoice) -> None:
    if actor.role != "finance" or actor.agency != state.agency_id:
        raise Forbidden("only finance staff of the buying agency may do this")


def _require_vendor(acting_for: tuple[str, ...], actor: Actor, vendor_id: str) -> None:
    if actor.role != "vendor" or vendor_id not in acting_for:
        raise Forbidden("only the contract's vendor may do this")


def _exists(state: Invoice) -> None:
    if not state.exists:
        raise NotFound("invoice not found")


def decide(command: InvoiceCommand, state: Invoice, ctx: Context) -> list[Event]:
    match command:
        case SubmitInvoice():
            return _submit(command, state, ctx)
        case DeemInvoiceAccepted():
            if (state.status != "submitted" or state.acceptance_deadline is None
                    or ctx.now < state.acceptance_deadline):
                return []  # acted on already, or the clock restarted: a stale timer
            return [_accepted(state, state.acceptance_deadline, deemed=True)]
    _exists(state)
    match command:
        case AcceptInvoice():
            _require_finance(ctx.actor, state)
            if state.status != "submitted":
                raise Conflict(f"invoice is {state.status}, not submitted", code="invalid_state")
            return [_accepted(state, ctx.now)]
        case DisputeInvoice():
            _require_finance(ctx.actor, state)
            if not command.reason.strip():
                raise field_error("reason", "must not be blank")
            if state.status not in ("submitted", "accepted"):
                raise Conflict(f"invoice is {state.status}; only an invoice not yet approved "
                               "can be disputed", code="invalid_state")
            return [InvoiceDisputed(invoice_id=state.invoice_id, reason=command.reason.strip(),
                                    disputed_at=ctx.now)]
        case ResubmitInvoice():
            _require_vendor(command.acting_for, ctx.actor, state.vendor_id)
            if state.status != "disputed":
                raise Conflict("only a disputed invoice can be resubmitted", code="invalid_state")
            currency = state.total.currency if state.total else "USD"
            if state.purchase_order_id and (command.purchase_order is None
                                            or command.purchase_order.order_id != state.purchase_order_id):
                raise NotFound(f"purchase order {state.purchase_order_id} not found")
            lines = priced_lines(command.lines, currency)
            _check_order_lines(command.lines, command.purchase_order if state.purchase_order_id else None)
            _check_total(lines, command.total)
            _check_period(command.service_period, command.contract)
            return [InvoiceResubmitted(
                invoice_id=state.invoice_id, total=Money(amount=command.total, currency=currency),
                received_at=ctx.now, service_period=command.service_period, lines=lines,
                acceptance_deadline=prompt_payment.acceptance_deadline(ctx.now, state.time_zone))]
        case ConfirmReceipt():
            if ctx.actor.role not in ("buyer", "finance") or ctx.actor.agency != state.agency_id:
                raise Forbidden("only the buying agency confirms receipt")
            if state.receipt_confirmed_at is not None:
                raise Conflict("receipt is already confirmed", code="already_confirmed")
            if state.status in ("partially_approved", "approved"):
                raise Conflict("invoice is already approved", code="invalid_state")
            return [ReceiptConfirmed(invoice_id=state.invoice_id, confirmed_at=ctx.now,
                                     note=command.note.strip())]
        case ApproveInvoice():
            return _approve(command, state, ctx)
    raise TypeError(f"unknown command {command!r}")


def _submit(command: SubmitInvoice, state: Invoice, ctx: Context) -> list[Event]:
    contract = command.contract
    _require_vendor(command.acting_for, ctx.actor, contract.vendor_id)
    if state.exists:
        raise Conflict(f"invoice {command.invoice_id} already exists", code="duplicate")
    if contract.status != "active":
        raise Conflict(f"contract {contract.contract_id} is {contract.status}, not active",
                       code="contract_not_active")
    if command.currency != contract.value.currency:
        raise field_error("currency", f"must be the contract currency {contract.value.currency}")
    order = command.purchase_order
    if order is not None:
        _check_order(order, contract, command.currency)
    lines = priced_lines(command.lines, command.currency)
    _check_order_lines(command.lines, order)
    _check_total(lines, command.total)
    _check_period(command.service_period, contract)
    return [InvoiceSubmitted(
        invoice_id=command.invoice_id, contract_id=contract.contract_id,
        # an order's invoice is the ordering agency's to review and pay
        agency_id=order.agency_id if order else contract.agency_id, vendor_id=contract.vendor_id, number=command.number,
        total=Money(amount=command.total, currency=command.currency), received_at=ctx.now,
        service_period=command.service_period, lines=lines,
        # an order's receipts are its receipt: the three-way match checks them at approval
        requires_receipt=contract.requires_receipt and order is None,
        prompt_payment_days=command.agency.prompt_payment_days,
        late_interest_annual_rate=command.agency.late_interest_annual_rate,
        acceptance_deadline=prompt_payment.acceptance_deadline(ctx.now, command.agency.time_zone),
        time_zone=command.agency.time_zone, payment_terms=command.payment_terms,
        purchase_order_id=order.order_id if order else "")]


def _accepted(state: Invoice, at: datetime, *, deemed: bool = False) -> InvoiceAccepted:
    """Acceptance at ``at``; past the acceptance window the invoice was already deemed
    accepted at its deadline, so acting late never pushes the due date out."""
    assert state.received_at is not None
    if state.acceptance_deadline is not None and at >= state.acceptance_deadline:
        at, deemed = state.acceptance_deadline, True
    due = prompt_payment.due_date(state.received_at, at, state.prompt_payment_days, state.time_zone)
    terms = state.payment_terms
    applied = ([prompt_payment.due_date_rule(terms, state.received_at, at, state.prompt_payment_days, due)]
               if terms else [])
    return InvoiceAccepted(invoice_id=state.invoice_id, accepted_at=at, deemed=deemed, due_date=due,
                           rules_applied=applied)


def _approve(command: ApproveInvoice, state: Invoice, ctx: Context) -> list[Event]:
    _require_finance(ctx.actor, state)
    if state.status not in ("submitted", "accepted", "partially_approved"):
        raise Conflict(f"invoice is {state.status} and cannot be approved", code="invalid_state")
    if state.requires_receipt and state.receipt_confirmed_at is None:
        raise Conflict("the contract requires a receipt confirmation before approval",
                       code="receipt_required")
    if command.payment_id in state.payment_ids:
        raise Conflict("payment already approved", code="duplicate")
    if state.purchase_order_id:
        order = command.purchase_order
        if order is None or order.order_id != state.purchase_order_id:
            raise NotFound(f"purchase order {state.purchase_order_id} not found")
        match = three_way_match(state.lines, order)
        if match.status != "matched":
            failed = [x for x in match.lines if x.status != "matched"]
            raise Conflict("three-way match failed: " + "; ".join(x.reason for x in failed),
                           code="three_way_mismatch",
                           details=[{"field": f"lines[{x.line}]", "item_id": x.item_id, "status": x.status,
                                     "message": x.reason} for x in failed])
    amount = state.unapproved if command.amount is None else command.amount
    if not 0 < amount <= state.unapproved:
        raise field_error("amount", f"must be between 1 and {state.unapproved} minor units")
    events: list[Event] = []
    accepted = state
    if state.status == "submitted":  # approving a proper invoice accepts it
        acceptance = _accepted(state, ctx.now)
        events.append(acceptance)
        accepted = evolve(state, acceptance)
    assert accepted.total is not None and accepted.due_date is not None
    terms = state.payment_terms
    # the first approval after the due date carries the pack's fixed compensation, if any
    late = (terms is not None and terms.fixed_compensation is not None and not state.compensation_claimed
            and prompt_payment.paid_on_date(ctx.now, terms) > accepted.due_date)
    events.append(InvoiceApproved(
        invoice_id=state.invoice_id, payment_id=command.payment_id,
        amount=Money(amount=amount, currency=accepted.total.currency), due_date=accepted.due_date,
        contract_id=state.contract_id, agency_id=state.agency_id, vendor_id=state.vendor_id,
        late_interest_annual_rate=state.late_interest_annual_rate, approved_at=ctx.now,
        payment_terms=terms, compensation_due=late, purchase_order_id=state.purchase_order_id))
    return events


def evolve(state: Invoice, event: Event) -> Invoice:
    replace = msgspec.structs.replace
    match event:
        case InvoiceSubmitted():
            return Invoice(
                exists=True, invoice_id=event.invoice_id, contract_id=event.contract_id,
                agency_id=event.agency_id, vendor_id=event.vendor_id, number=event.number,
                status="submitted", total=event.total, lines=tuple(event.lines),
                service_period=event.service_period, received_at=event.received_at,
                acceptance_deadline=event.acceptance_deadline,
                requires_receipt=event.requires_receipt,
                prompt_payment_days=event.prompt_payment_days,
                late_interest_annual_rate=event.late_interest_annual_rate,
                time_zone=event.time_zone, payment_terms=event.payment_terms,
                purchase_order_id=event.purchase_order_id)
        case InvoiceAccepted():
            return replace(state, status="accepted", accepted_at=event.accepted_at,
                           deemed_accepted=event.deemed, due_date=event.due_date,
                           rules_applied=(*state.rules_applied, *event.rules_applied))
        case InvoiceDisputed():
            return replace(state, status="disputed", disputes=(*state.disputes, event.reason))
        case InvoiceResubmitted():
            return replace(state, status="submitted", total=event.total, lines=tuple(event.lines),
                           service_period=event.service_period, received_at=event.received_at,
                           acceptance_deadline=event.acceptance_deadline, accepted_at=None,
                           deemed_accepted=False, due_date=None)
        case ReceiptConfirmed():
            return replace(state, receipt_confirmed_at=event.confirmed_at)
        case InvoiceApproved():
            approved = state.approved + event.amount.amount
            total = state.total.amount if state.total else 0
            return replace(state, approved=approved,
                           status="approved" if approved >= total else "partially_approved",
                           payment_ids=(*state.payment_ids, event.payment_id),
                           compensation_claimed=state.compensation_claimed or event.compensation_due)
    return state


def timers(event: Event) -> Iterable[Timer]:
    if isinstance(event, InvoiceSubmitted | InvoiceResubmitted) and event.acceptance_deadline:
        yield timer(DEEMED_ACCEPTANCE, INVOICE.stream_id(event.invoice_id),
                    event.acceptance_deadline, invoice_id=event.invoice_id)


INVOICE = Decider(stream_prefix="invoice", initial=Invoice, decide=decide, evolve=evolve,
                  timers=timers)
