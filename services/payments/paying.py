"""Moving money: the edge where payment commands meet the Stripe gateway.

Order matters for "never charge twice": the PaymentIntent is created unconfirmed with an
idempotency key derived from the payment id and attempt, recorded in our store, and only
then confirmed. A redelivered approval finds the payment already recorded and at most
confirms the recorded intent again, which Stripe refuses to charge twice.
"""

from __future__ import annotations

import uuid
import weakref
from datetime import date
from typing import TYPE_CHECKING

from events.base import Money
from events.compliance import PaymentTerms
from events.invoices import InvoiceApproved
from infra.clock import Clock
from infra.eventstore import EventStore, event_ids_for
from infra.executor import Executor
from kernel.context import SYSTEM_ACTOR, Actor, Context
from kernel.errors import Invalid
from services.payments.commands import RecordFailure, RecordRefund, RetryPayment, StartPayment
from services.payments.deciders.funding import FUNDING
from services.payments.deciders.payment import PAYMENT, Payment
from services.payments.gateway import PaymentGateway, gateway_for
from services.payments.prompt_payment import late_charges, paid_on_date

if TYPE_CHECKING:
    from infra.container import Civic

NO_FUNDING = "the agency has no funding source configured; set one and retry"


#: one gateway per container (it keeps Stripe's HTTP connections), made on first use
_GATEWAYS: weakref.WeakKeyDictionary[Civic, PaymentGateway] = weakref.WeakKeyDictionary()


def gateway_of(civic: Civic) -> PaymentGateway:
    """The container's gateway, made from its settings on first use."""
    gateway = _GATEWAYS.get(civic)
    if gateway is None:
        gateway = _GATEWAYS[civic] = gateway_for(civic.settings.stripe_api_key,
                                                 civic.settings.stripe_api_base)
    return gateway


def _metadata(payment: Payment | InvoiceApproved, payment_id: str) -> dict[str, str]:
    return {"payment_id": payment_id, "invoice_id": payment.invoice_id,
            "contract_id": payment.contract_id, "agency_id": payment.agency_id,
            "vendor_id": payment.vendor_id}


async def _today(clock: Clock, terms: PaymentTerms | None) -> date:
    """The clock's date in the agency's zone, re-read so a worker process sees the shared
    development clock."""
    await clock.refresh()
    return paid_on_date(clock.now(), terms)


def _amount(money: Money | None) -> int:
    return money.amount if money else 0


async def _funding(executor: Executor, gateway: PaymentGateway, agency_id: str) -> str | None:
    source, _ = await executor.load(FUNDING, agency_id)
    return source.payment_method or await gateway.default_funding()


async def start_payment(executor: Executor, clock: Clock, gateway: PaymentGateway,
                        approved: InvoiceApproved, *,
                        command_id: str, causation_id: str | None = None) -> Payment:
    """Create, record and confirm the payment an approval asks for (safe to repeat)."""
    state, _ = await executor.load(PAYMENT, approved.payment_id)
    if not state.exists:
        charges = late_charges(approved.amount, approved.due_date, await _today(clock, approved.payment_terms),
                               approved.late_interest_annual_rate, approved.payment_terms,
                               compensation_due=approved.compensation_due)
        interest = charges.interest
        intent = await gateway.create_intent(
            amount=Money(amount=approved.amount.amount + interest.amount + _amount(charges.compensation),
                         currency=approved.amount.currency),
            payment_method=await _funding(executor, gateway, approved.agency_id),
            metadata=_metadata(approved, approved.payment_id),
            idempotency_key=f"{approved.payment_id}:1")
        outcome = await executor.execute(PAYMENT, approved.payment_id, StartPayment(
            payment_id=approved.payment_id, invoice_id=approved.invoice_id,
            contract_id=approved.contract_id, agency_id=approved.agency_id,
            vendor_id=approved.vendor_id, amount=approved.amount, interest=interest,
            due_date=approved.due_date, stripe_payment_intent=intent.intent_id,
            late_interest_annual_rate=approved.late_interest_annual_rate,
            payment_terms=approved.payment_terms, compensation=charges.compensation,
            compensation_due=approved.compensation_due, rules_applied=charges.rules_applied,
            purchase_order_id=approved.purchase_order_id,
        ), SYSTEM_ACTOR, command_id=command_id, causation_id=causation_id)
        state = outcome.state
    await _confirm(executor, gateway, state)
    return state


async def _confirm(executor: Executor, gateway: PaymentGateway, state: Payment) -> None:
    if state.status != "processing":
        return
    intent = await gateway.retrieve_intent(state.current_intent)
    if intent.status == "requires_confirmation":
        await gateway.confirm_intent(intent.intent_id, idempotency_key=f"{intent.intent_id}:confirm")
    elif intent.status == "requires_payment_method" and not intent.error:
        await executor.execute(
            PAYMENT, state.payment_id,
            RecordFailure(stripe_payment_intent=intent.intent_id, reason=NO_FUNDING),
            SYSTEM_ACTOR, command_id=f"payments.no_funding:{intent.intent_id}")


async def _repeated(store: EventStore, command_id: str | None) -> bool:
    """This request (same Idempotency-Key) was already carried out: answer, call nobody."""
    return command_id is not None and await store.find(event_ids_for(command_id, 1)[0]) is not None


async def retry_payment(executor: Executor, clock: Clock, store: EventStore,
                        gateway: PaymentGateway, actor: Actor, payment_id: str, *,
                        command_id: str | None) -> Payment:
    """Finance retries a failed payment with a new PaymentIntent (interest brought up to date)."""
    state, _ = await executor.load_existing(PAYMENT, payment_id, "payment")
    if await _repeated(store, command_id):
        return state
    if state.status == "processing" and state.agency_id == actor.agency and actor.role == "finance":
        # Stripe was unreachable when this attempt was to be confirmed: finish it.
        intent = await gateway.retrieve_intent(state.current_intent)
        if intent.status == "requires_confirmation":
            await _confirm(executor, gateway, state)
            return state
    assert state.amount is not None and state.due_date is not None
    charges = late_charges(state.amount, state.due_date, await _today(clock, state.payment_terms),
                           state.late_interest_annual_rate, state.payment_terms,
                           compensation_due=state.compensation_due)
    interest = charges.interest
    attempt = state.attempt + 1
    # Decide first with a placeholder: who may retry and when is refused before Stripe is called.
    check = RetryPayment(attempt=attempt, interest=interest, stripe_payment_intent="pending")
    PAYMENT.decide(check, state, Context(now=clock.now(), actor=actor))
    intent = await gateway.create_intent(
        amount=Money(amount=state.amount.amount + interest.amount + _amount(charges.compensation),
                     currency=state.amount.currency),
        payment_method=await _funding(executor, gateway, state.agency_id),
        metadata=_metadata(state, payment_id), idempotency_key=f"{payment_id}:{attempt}")
    outcome = await executor.execute(
        PAYMENT, payment_id,
        RetryPayment(attempt=attempt, interest=interest, stripe_payment_intent=intent.intent_id,
                     compensation=charges.compensation, rules_applied=charges.rules_applied),
        actor, command_id=command_id)
    await _confirm(executor, gateway, outcome.state)
    return outcome.state


async def refund_payment(executor: Executor, clock: Clock, store: EventStore,
                         gateway: PaymentGateway, actor: Actor, payment_id: str,
                         amount: int | None, reason: str, *, command_id: str | None) -> Payment:
    """Finance returns some or all of a paid payment to the agency."""
    state, _ = await executor.load_existing(PAYMENT, payment_id, "payment")
    if await _repeated(store, command_id):
        return state
    amount = state.refundable if amount is None else amount
    check = RecordRefund(refund_id="", amount=amount, reason=reason)
    if not PAYMENT.decide(check, state, Context(now=clock.now(), actor=actor)):
        raise Invalid("nothing to refund")
    key = f"{payment_id}:refund:{command_id or uuid.uuid4().hex}"
    refund = await gateway.refund(state.current_intent, amount, idempotency_key=key,
                                  metadata=_metadata(state, payment_id))
    outcome = await executor.execute(
        PAYMENT, payment_id, RecordRefund(refund_id=refund.refund_id, amount=refund.amount,
                                          reason=reason), actor, command_id=command_id)
    return outcome.state

