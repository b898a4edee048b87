"""HTTP for invoices and payments: parse, build a command, hand it on, map the state."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, cast

import msgspec
from asyncpg import Pool
from litestar import Controller, get, post, put
from litestar.params import Parameter

from events.base import Money
from events.invoices import ServicePeriod
from infra.clock import Clock
from infra.eventstore import EventStore
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.common import AsOf, IdempotencyKey, as_of_instant, id_for_command, scoped_command_id
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import NotFound, field_error
from services.documents.facts import attached_to, attached_to_each
from services.marketplace.facts import PurchaseOrderFacts, purchase_order_facts
from services.payments import paying, submission
from services.payments.access import agency_scope, can_see, vendors_of
from services.payments.commands import (
    AcceptInvoice,
    ApproveInvoice,
    ConfirmReceipt,
    DisputeInvoice,
    LineIn,
    ResubmitInvoice,
    SubmitInvoice,
)
from services.payments.deciders.funding import FUNDING, SetFundingSource
from services.payments.deciders.invoice import INVOICE, Invoice
from services.payments.deciders.match import three_way_match
from services.payments.deciders.payment import PAYMENT, Payment
from services.payments.facts import accrued
from services.payments.gateway import PaymentGateway
from services.payments.readmodel.invoices import list_invoices, payments_of_invoice
from services.payments.readmodel.terms import agency_terms, contract_terms
from services.payments.schemas import (
    ApproveIn,
    DisputeIn,
    FundingIn,
    FundingOut,
    InvoiceIn,
    InvoiceOut,
    InvoicePage,
    InvoiceStatus,
    InvoiceSummary,
    LineBody,
    LineMatchOut,
    MatchOut,
    PaymentLine,
    PaymentOut,
    PaymentStatus,
    PeriodBody,
    ReceiptIn,
    RefundIn,
    ResubmitIn,
)
from services.solicitations.facts import contract_kind, prompt_payment_terms

STATUSES = ("submitted", "disputed", "accepted", "partially_approved", "approved",
            "partially_paid", "paid")
INVOICE_READERS = ("vendor", "finance", "buyer", "auditor", "admin")


def _invoice_out(state: Invoice, version: int) -> InvoiceOut:
    assert state.total is not None and state.service_period is not None
    assert state.received_at is not None
    return InvoiceOut(
        id=state.invoice_id, contract_id=state.contract_id, agency_id=state.agency_id,
        vendor_id=state.vendor_id, number=state.number, status=cast(InvoiceStatus, state.status),
        total=state.total,
        lines=list(state.lines), service_period=state.service_period,
        received_at=state.received_at, acceptance_deadline=state.acceptance_deadline,
        accepted_at=state.accepted_at, deemed_accepted=state.deemed_accepted,
        due_date=state.due_date, requires_receipt=state.requires_receipt,
        receipt_confirmed_at=state.receipt_confirmed_at, disputes=list(state.disputes),
        approved=Money(amount=state.approved, currency=state.total.currency),
        payment_ids=list(state.payment_ids), prompt_payment_days=state.prompt_payment_days,
        late_interest_annual_rate=state.late_interest_annual_rate, version=version,
        payment_terms=state.payment_terms, rules_applied=list(state.rules_applied),
        purchase_order_id=state.purchase_order_id or None)


def _payment_out(state: Payment, version: int) -> PaymentOut:
    assert state.amount is not None and state.interest is not None
    return PaymentOut(
        id=state.payment_id, invoice_id=state.invoice_id, contract_id=state.contract_id,
        agency_id=state.agency_id, vendor_id=state.vendor_id, status=cast(PaymentStatus, state.status),
        amount=state.amount, interest=state.interest, due_date=state.due_date,
        attempt=state.attempt, stripe_payment_intent=state.current_intent,
        started_at=state.started_at, paid_at=state.paid_at, failure_reason=state.failure_reason,
        refunded=Money(amount=state.refunded, currency=state.amount.currency),
        disputes=list(state.dispute_ids), version=version, compensation=state.compensation,
        rules_applied=list(state.rules_applied))


def _with_payments(status: InvoiceStatus, total: int, paid: int) -> InvoiceStatus:
    """The invoice's status once its payments are counted (as the invoice list says it)."""
    if paid <= 0:
        return status
    return "paid" if paid >= total else "partially_paid"


def _payment_line(row: Any) -> PaymentLine:
    currency = row["currency"]
    return PaymentLine(id=row["payment_id"], status=row["status"],
                       amount=Money(amount=row["amount"], currency=currency),
                       interest=Money(amount=row["interest"], currency=currency),
                       refunded=Money(amount=row["refunded"], currency=currency),
                       paid_at=row["paid_at"])


def _lines(lines: list[LineBody]) -> list[LineIn]:
    return [LineIn(description=x.description, quantity=x.quantity, unit_price=x.unit_price,
                   order_item_id=x.order_item_id or "")
            for x in lines]


async def _order_of(pool: Pool, state: Invoice) -> PurchaseOrderFacts | None:
    if not state.purchase_order_id:
        return None
    async with pool.acquire() as conn:
        return await purchase_order_facts(conn, state.purchase_order_id)


def _match_out(state: Invoice, order: PurchaseOrderFacts | None) -> MatchOut | None:
    if order is None:
        return None
    match = three_way_match(state.lines, order)
    return MatchOut(status=cast(Any, match.status), order_id=match.order_id,
                    lines=[LineMatchOut(line=x.line, item_id=x.item_id, status=cast(Any, x.status),
                                        reason=x.reason) for x in match.lines])


async def _with_match(pool: Pool, state: Invoice, out: InvoiceOut) -> InvoiceOut:
    if not state.purchase_order_id:
        return out
    return msgspec.structs.replace(out, match=_match_out(state, await _order_of(pool, state)))


def _period(period: PeriodBody) -> ServicePeriod:
    return ServicePeriod(start=period.start, end=period.end)


async def _visible_invoice(executor: Executor, pool: Pool, actor: Actor,
                           invoice_id: str, *, as_of: datetime | None = None) -> tuple[Invoice, int]:
    state, version = await executor.load(INVOICE, invoice_id, as_of=as_of)
    if not state.exists or not await can_see(pool, actor, state):
        raise NotFound(f"invoice {invoice_id} not found")
    return state, version


class InvoiceController(Controller):
    tags = ["invoices"]

    @post("/contracts/{contract_id:str}/invoices", guards=[requires("vendor")],
          summary="Submit an invoice against an active contract of the caller's vendor",
          responses=error_responses(400, 401, 403, 404, 409, 422))
    async def submit(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str,
                     data: InvoiceIn,
                     idempotency_key: IdempotencyKey = None) -> InvoiceOut:
        acting_for = await vendors_of(pool, actor)
        async with pool.acquire() as conn:
            contract = await contract_terms(conn, contract_id)
            if contract is None or contract.vendor_id not in acting_for:
                raise NotFound(f"contract {contract_id} not found")
            order = None
            if data.purchase_order_id is not None:
                order = await purchase_order_facts(conn, data.purchase_order_id)
                if order is None or order.vendor_id not in acting_for:
                    raise field_error("purchase_order_id", f"no purchase order {data.purchase_order_id} of "
                                      "the caller's vendor")
            # an order's invoice follows the ordering agency's prompt-payment terms
            terms = await agency_terms(conn, order.agency_id if order else contract.agency_id)
        payment_terms = prompt_payment_terms(
            terms.jurisdiction, await contract_kind(executor, contract.solicitation_id),
            time_zone=terms.time_zone, agency_rate_agreed=terms.interest_rate_agreed)
        command_id = scoped_command_id(idempotency_key, actor.sub, "invoices.submit")
        command = SubmitInvoice(
            invoice_id=id_for_command("inv", command_id), contract=contract, agency=terms,
            number=data.number, lines=_lines(data.lines), total=data.total,
            currency=data.currency, service_period=_period(data.service_period),
            acting_for=acting_for, payment_terms=payment_terms, purchase_order=order)
        outcome = await submission.submit(executor, actor, command, command_id)
        return await _with_match(pool, outcome.state, _invoice_out(outcome.state, outcome.version))

    @get("/invoices/{invoice_id:str}", guards=[requires(*INVOICE_READERS)], summary="Read an invoice",
         responses=error_responses(401, 403, 404, 422))
    async def read(self, executor: Executor, pool: Pool, clock: Clock, actor: Actor,
                   invoice_id: str, as_of: AsOf = None) -> InvoiceOut:
        state, version = await _visible_invoice(executor, pool, actor, invoice_id, as_of=as_of_instant(as_of))
        invoice = await _with_match(pool, state, _invoice_out(state, version))
        when = as_of_instant(as_of)
        documents = [d for d in await attached_to(pool, "invoice", invoice_id) if when is None or d.attached_at <= when]
        if as_of is not None:  # the invoice's own record then; its payments are read live
            return msgspec.structs.replace(invoice, attachments=documents)
        async with pool.acquire() as conn:
            rows = await payments_of_invoice(conn, invoice_id)
        paid = sum(r["amount"] for r in rows if r["status"] == "succeeded")
        await clock.refresh()
        owed = None if invoice.status in ("submitted", "disputed") else accrued(
            Money(amount=invoice.total.amount - paid, currency=invoice.total.currency), invoice.due_date,
            clock.now(), invoice.late_interest_annual_rate, invoice.payment_terms)
        return msgspec.structs.replace(invoice, payments=[_payment_line(r) for r in rows], attachments=documents,
                                       status=_with_payments(invoice.status, invoice.total.amount, paid),
                                       accrued_through=owed[0] if owed else None,
                                       accrued_interest=owed[1] if owed else None)

    @get("/invoices", guards=[requires(*INVOICE_READERS)],
         summary="List invoices the caller may see; overdue=true lists those past due and unpaid",
         responses=error_responses(401, 403, 422))
    async def list(self, executor: Executor, pool: Pool, clock: Clock, actor: Actor,
                   status: Annotated[str | None, Parameter(query="status", pattern="^(" + "|".join(STATUSES) + ")$")] = None,
                   overdue: Annotated[bool, Parameter(query="overdue")] = False,
                   contract: Annotated[str | None, Parameter(query="contract", max_length=100)] = None,
                   vendor: Annotated[str | None, Parameter(query="vendor", max_length=100)] = None,
                   limit: Annotated[int, Parameter(query="limit", ge=1, le=200)] = 50,
                   offset: Annotated[int, Parameter(query="offset", ge=0, le=1_000_000)] = 0) -> InvoicePage:
        today = clock.now().date()
        vendor_ids = await vendors_of(pool, actor) if actor.role == "vendor" else None
        if vendor is not None:
            vendor_ids = tuple(v for v in (vendor_ids if vendor_ids is not None else (vendor,)) if v == vendor)
        async with pool.acquire() as conn:
            rows, total = await list_invoices(
                conn, agency_id=None if actor.role == "vendor" else agency_scope(actor),
                vendor_ids=vendor_ids, status=status, overdue_on=today if overdue else None,
                contract_id=contract, limit=limit, offset=offset)
        documents = await attached_to_each(pool, "invoice", [r["invoice_id"] for r in rows])
        matches: dict[str, str] = {}
        for r in rows:  # invoices billing an order: their match as of now
            if r["purchase_order_id"]:
                state, _ = await executor.load(INVOICE, r["invoice_id"])
                found = _match_out(state, await _order_of(pool, state))
                if found is not None:
                    matches[r["invoice_id"]] = found.status
        return InvoicePage(items=[msgspec.structs.replace(_summary(r, today), attachments=documents[r["invoice_id"]],
                                                          purchase_order_id=r["purchase_order_id"] or None,
                                                          match_status=cast(Any, matches.get(r["invoice_id"])))
                                  for r in rows], total=total, limit=limit, offset=offset)

    @post("/invoices/{invoice_id:str}/accept", guards=[requires("finance")], status_code=200,
          summary="Accept an invoice as proper (starts the prompt-payment clock)",
          responses=error_responses(400, 401, 403, 404, 409))
    async def accept(self, executor: Executor, pool: Pool, actor: Actor, invoice_id: str,
                     idempotency_key: IdempotencyKey = None) -> InvoiceOut:
        return await self._run(executor, pool, actor, invoice_id, AcceptInvoice(), idempotency_key, "accept")

    @post("/invoices/{invoice_id:str}/dispute", guards=[requires("finance")], status_code=200,
          summary="Dispute an invoice with a reason; the vendor may correct and resubmit",
          responses=error_responses(400, 401, 403, 404, 409, 422))
    async def dispute(self, executor: Executor, pool: Pool, actor: Actor, invoice_id: str,
                      data: DisputeIn,
                      idempotency_key: IdempotencyKey = None) -> InvoiceOut:
        return await self._run(executor, pool, actor, invoice_id, DisputeInvoice(reason=data.reason),
                               idempotency_key, "dispute")

    @post("/invoices/{invoice_id:str}/resubmit", guards=[requires("vendor")], status_code=200,
          summary="Resubmit a corrected invoice after a dispute",
          responses=error_responses(400, 401, 403, 404, 409, 422))
    async def resubmit(self, executor: Executor, pool: Pool, actor: Actor, invoice_id: str,
                       data: ResubmitIn,
                       idempotency_key: IdempotencyKey = None) -> InvoiceOut:
        await _visible_invoice(executor, pool, actor, invoice_id)
        command = ResubmitInvoice(lines=_lines(data.lines), total=data.total,
                                  service_period=_period(data.service_period),
                                  acting_for=await vendors_of(pool, actor))
        outcome = await submission.resubmit(
            executor, actor, invoice_id, command,
            scoped_command_id(idempotency_key, actor.sub, f"invoices.resubmit:{invoice_id}"))
        return await _with_match(pool, outcome.state, _invoice_out(outcome.state, outcome.version))

    @post("/invoices/{invoice_id:str}/receipt", guards=[requires("buyer", "finance")],
          status_code=200, summary="Confirm the goods or services were received (three-way match)",
          responses=error_responses(400, 401, 403, 404, 409, 422))
    async def receipt(self, executor: Executor, pool: Pool, actor: Actor, invoice_id: str,
                      data: ReceiptIn | None = None,
                      idempotency_key: IdempotencyKey = None) -> InvoiceOut:
        command = ConfirmReceipt(note=data.note if data else "")
        return await self._run(executor, pool, actor, invoice_id, command, idempotency_key, "receipt")

    @post("/invoices/{invoice_id:str}/approve", guards=[requires("finance")], status_code=200,
          summary="Approve an invoice (or part of it) for payment; the payment starts through Stripe",
          responses=error_responses(400, 401, 403, 404, 409, 422))
    async def approve(self, executor: Executor, pool: Pool, actor: Actor, invoice_id: str,
                      data: ApproveIn | None = None,
                      idempotency_key: IdempotencyKey = None) -> InvoiceOut:
        command_id = scoped_command_id(idempotency_key, actor.sub, f"invoices.approve:{invoice_id}")
        state, _ = await _visible_invoice(executor, pool, actor, invoice_id)
        command = ApproveInvoice(payment_id=id_for_command("pay", command_id),
                                 amount=data.amount if data else None,
                                 purchase_order=await _order_of(pool, state))
        return await self._run(executor, pool, actor, invoice_id, command, idempotency_key, "approve",
                               command_id=command_id)

    async def _run(self, executor: Executor, pool: Pool, actor: Actor, invoice_id: str,
                   command: object,
                   idempotency_key: str | None, route: str, *,
                   command_id: str | None = None) -> InvoiceOut:
        await _visible_invoice(executor, pool, actor, invoice_id)
        command_id = command_id or scoped_command_id(idempotency_key, actor.sub,
                                                     f"invoices.{route}:{invoice_id}")
        outcome = await executor.execute(INVOICE, invoice_id, command, actor,
                                               command_id=command_id)
        return await _with_match(pool, outcome.state, _invoice_out(outcome.state, outcome.version))


def _summary(row: Any, today: date) -> InvoiceSummary:
    def money(column: str) -> Money:
        return Money(amount=row[column], currency=row["currency"])

    due = row["due_date"]
    return InvoiceSummary(
        id=row["invoice_id"], contract_id=row["contract_id"], agency_id=row["agency_id"],
        vendor_id=row["vendor_id"], number=row["number"], status=row["status"],
        total=money("total_amount"), received_at=row["received_at"], due_date=due,
        approved=money("approved_amount"), paid=money("paid_amount"),
        interest_paid=money("interest_paid"), refunded=money("refunded_amount"),
        overdue=bool(due and due < today and row["paid_amount"] < row["total_amount"]
                     and row["status"] != "disputed"))


async def _visible_payment(executor: Executor, pool: Pool, actor: Actor,
                           payment_id: str) -> PaymentOut:
    state, version = await executor.load(PAYMENT, payment_id)
    if not state.exists or not await can_see(pool, actor, state):
        raise NotFound(f"payment {payment_id} not found")
    return _payment_out(state, version)


class PaymentController(Controller):
    tags = ["payments"]

    @get("/payments/{payment_id:str}", guards=[requires(*INVOICE_READERS)],
         summary="Read a payment and what Stripe reported about it",
         responses=error_responses(401, 403, 404))
    async def read(self, executor: Executor, pool: Pool, actor: Actor,
                   payment_id: str) -> PaymentOut:
        return await _visible_payment(executor, pool, actor, payment_id)

    @post("/payments/{payment_id:str}/retry", guards=[requires("finance")], status_code=200,
          summary="Retry a failed payment with a new PaymentIntent",
          responses=error_responses(400, 401, 403, 404, 409, 503))
    async def retry(self, executor: Executor, pool: Pool, clock: Clock, store: EventStore,
                    gateway: PaymentGateway, actor: Actor, payment_id: str,
                    idempotency_key: IdempotencyKey = None) -> PaymentOut:
        state = await paying.retry_payment(
            executor, clock, store, gateway, actor, payment_id,
            command_id=scoped_command_id(idempotency_key, actor.sub, f"payments.retry:{payment_id}"))
        return await _visible_payment(executor, pool, actor, state.payment_id)

    @post("/payments/{payment_id:str}/refund", guards=[requires("finance")], status_code=200,
          summary="Refund all or part of a paid payment",
          responses=error_responses(400, 401, 403, 404, 409, 422, 503))
    async def refund(self, executor: Executor, pool: Pool, clock: Clock, store: EventStore,
                     gateway: PaymentGateway, actor: Actor, payment_id: str,
                     data: RefundIn | None = None,
                     idempotency_key: IdempotencyKey = None) -> PaymentOut:
        body = data or RefundIn()
        state = await paying.refund_payment(
            executor, clock, store, gateway, actor, payment_id, body.amount, body.reason,
            command_id=scoped_command_id(idempotency_key, actor.sub, f"payments.refund:{payment_id}"))
        return await _visible_payment(executor, pool, actor, state.payment_id)

    @put("/payments/funding-sources/{agency_id:str}", guards=[requires("finance", "admin")],
         summary="Set the Stripe payment method an agency pays its vendors from",
         responses=error_responses(400, 401, 403, 422))
    async def set_funding(self, executor: Executor, actor: Actor, agency_id: str,
                          data: FundingIn) -> FundingOut:
        outcome = await executor.execute(
            FUNDING, agency_id, SetFundingSource(agency_id=agency_id,
                                                 payment_method=data.payment_method), actor)
        return FundingOut(agency_id=agency_id, payment_method=outcome.state.payment_method)
