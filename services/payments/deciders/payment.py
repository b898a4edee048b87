"""The payment aggregate: one approved installment of an invoice, paid through Stripe.

Every outcome comes from Stripe (a webhook or the answer to our own request); the
decider only records each once, whatever order and however often Stripe reports it.
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from events.base import Event, Money
from events.compliance import PaymentTerms, RuleApplied
from events.payments import (
    PaymentDisputed,
    PaymentFailed,
    PaymentRefunded,
    PaymentRetried,
    PaymentStarted,
    PaymentSucceeded,
)
from kernel.context import Actor, Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from services.payments.commands import (
    PaymentCommand,
    RecordDispute,
    RecordFailure,
    RecordRefund,
    RecordSuccess,
    RetryPayment,
    StartPayment,
)


class Payment(msgspec.Struct, frozen=True, kw_only=True):
    """One installment: what is paid to whom, and how its attempts went."""

    exists: bool = False
    payment_id: str = ""
    invoice_id: str = ""
    contract_id: str = ""
    agency_id: str = ""
    vendor_id: str = ""
    amount: Money | None = None
    interest: Money | None = None
    due_date: date | None = None
    late_interest_annual_rate: float = 0.05
    payment_terms: PaymentTerms | None = None
    compensation: Money | None = None
    compensation_due: bool = False
    #: the record of the current attempt's interest (and compensation)
    rules_applied: tuple[RuleApplied, ...] = ()
    status: str = ""  # processing | succeeded | failed
    attempt: int = 0
    intents: tuple[str, ...] = ()
    started_at: datetime | None = None
    paid_at: datetime | None = None
    failure_reason: str = ""
    refunded: int = 0
    refund_ids: tuple[str, ...] = ()
    dispute_ids: tuple[str, ...] = ()

    @property
    def current_intent(self) -> str:
        return self.intents[-1] if self.intents else ""

    @property
    def charged(self) -> int:
        """Principal, interest and any fixed compensation: what the PaymentIntent asks for."""
        return ((self.amount.amount if self.amount else 0) + (self.interest.amount if self.interest else 0)
                + (self.compensation.amount if self.compensation else 0))

    @property
    def refundable(self) -> int:
        return self.charged - self.refunded if self.status == "succeeded" else 0


def _require_system(actor: Actor) -> None:
    if not actor.is_system:
        raise Forbidden("only Stripe's reports change a payment's outcome")


def _require_finance(actor: Actor, state: Payment) -> None:
    if actor.role != "finance" or actor.agency != state.agency_id:
        raise Forbidden("only finance staff of the paying agency may do this")


def decide(command: PaymentCommand, state: Payment, ctx: Context) -> list[Event]:
    if isinstance(command, StartPayment):
        _require_system(ctx.actor)
        if state.exists:
            return []  # a redelivered approval: the payment is already under way
        return [PaymentStarted(
            payment_id=command.payment_id, invoice_id=command.invoice_id,
            contract_id=command.contract_id, agency_id=command.agency_id,
            vendor_id=command.vendor_id, amount=command.amount,
            stripe_payment_intent=command.stripe_payment_intent, interest=command.interest,
            due_date=command.due_date, started_at=ctx.now, attempt=1,
            late_interest_annual_rate=command.late_interest_annual_rate,
            payment_terms=command.payment_terms, compensation=command.compensation,
            compensation_due=command.compensation_due, rules_applied=list(command.rules_applied),
            purchase_order_id=command.purchase_order_id)]
    if not state.exists:
        raise NotFound("payment not found")
    assert state.amount is not None and state.interest is not None
    match command:
        case RetryPayment():
            _require_finance(ctx.actor, state)
            if state.status != "failed":
                raise Conflict(f"payment is {state.status}; only a failed payment is retried",
                               code="invalid_state")
            if command.attempt != state.attempt + 1:
                raise Conflict("the payment was retried concurrently", code="version_conflict")
            return [PaymentRetried(
                payment_id=state.payment_id, attempt=command.attempt,
                stripe_payment_intent=command.stripe_payment_intent, amount=state.amount,
                interest=command.interest, retried_at=ctx.now, compensation=command.compensation,
                rules_applied=list(command.rules_applied))]
        case RecordSuccess():
            _require_system(ctx.actor)
            if state.status == "succeeded" or command.stripe_payment_intent not in state.intents:
                return []
            return [PaymentSucceeded(
                payment_id=state.payment_id, amount=state.amount, paid_at=ctx.now,
                interest=state.interest, compensation=state.compensation, invoice_id=state.invoice_id,
                contract_id=state.contract_id, agency_id=state.agency_id,
                vendor_id=state.vendor_id, due_date=state.due_date,
                stripe_payment_intent=command.stripe_payment_intent,
                stripe_event_id=command.stripe_event_id)]
        case RecordFailure():
            _require_system(ctx.actor)
            if state.status != "processing" or command.stripe_payment_intent != state.current_intent:
                return []  # an outcome of an earlier attempt, or already settled
            return [PaymentFailed(
                payment_id=state.payment_id, reason=command.reason or "declined",
                failed_at=ctx.now, stripe_payment_intent=command.stripe_payment_intent,
                stripe_event_id=command.stripe_event_id, attempt=state.attempt)]
        case RecordRefund():
            if not ctx.actor.is_system:
                _require_finance(ctx.actor, state)
            if command.refund_id and command.refund_id in state.refund_ids:
                return []
            if state.status != "succeeded":
                raise Conflict(f"payment is {state.status}; only a paid payment is refunded",
                               code="invalid_state")
            if not 0 < command.amount <= state.refundable:
                raise field_error("amount", f"must be between 1 and {state.refundable} minor units")
            return [PaymentRefunded(
                payment_id=state.payment_id,
                amount=Money(amount=command.amount, currency=state.amount.currency),
                refund_id=command.refund_id, reason=command.reason, refunded_at=ctx.now,
                invoice_id=state.invoice_id, agency_id=state.agency_id,
                vendor_id=state.vendor_id)]
        case RecordDispute():
            _require_system(ctx.actor)
            if command.dispute_id in state.dispute_ids:
                return []
            return [PaymentDisputed(
                payment_id=state.payment_id, dispute_id=command.dispute_id,
                amount=Money(amount=command.amount, currency=state.amount.currency),
                reason=command.reason, disputed_at=ctx.now)]
    raise TypeError(f"unknown command {command!r}")


def evolve(state: Payment, event: Event) -> Payment:
    replace = msgspec.structs.replace
    match event:
        case PaymentStarted():
            return Payment(
                exists=True, payment_id=event.payment_id, invoice_id=event.invoice_id,
                contract_id=event.contract_id, agency_id=event.agency_id,
                vendor_id=event.vendor_id, amount=event.amount,
                interest=event.interest or Money(amount=0, currency=event.amount.currency),
                due_date=event.due_date, status="processing", attempt=event.attempt,
                late_interest_annual_rate=event.late_interest_annual_rate,
                payment_terms=event.payment_terms, compensation=event.compensation,
                compensation_due=event.compensation_due, rules_applied=tuple(event.rules_applied),
                intents=(event.stripe_payment_intent,), started_at=event.started_at)
        case PaymentRetried():
            return replace(state, status="processing", attempt=event.attempt,
                           interest=event.interest, failure_reason="", compensation=event.compensation,
                           rules_applied=tuple(event.rules_applied),
                           intents=(*state.intents, event.stripe_payment_intent))
        case PaymentSucceeded():
            return replace(state, status="succeeded", paid_at=event.paid_at)
        case PaymentFailed():
            return replace(state, status="failed", failure_reason=event.reason)
        case PaymentRefunded():
            return replace(state, refunded=state.refunded + event.amount.amount,
                           refund_ids=(*state.refund_ids, event.refund_id))
        case PaymentDisputed():
            return replace(state, dispute_ids=(*state.dispute_ids, event.dispute_id))
    return state


PAYMENT = Decider(stream_prefix="payment", initial=Payment, decide=decide, evolve=evolve)
