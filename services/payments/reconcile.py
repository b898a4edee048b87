"""Reconciliation: our payment records against Stripe's, and every difference between them."""

from __future__ import annotations

from typing import Any

import msgspec

from events.payments import (
    PaymentDisputed,
    PaymentFailed,
    PaymentRefunded,
    PaymentRetried,
    PaymentStarted,
    PaymentSucceeded,
)
from events.registry import decode_event
from projections.base import types_of
from services.payments.deciders.payment import PAYMENT, Payment
from services.payments.gateway import IntentState, PaymentGateway

PAYMENT_TYPES = types_of(PaymentStarted, PaymentRetried, PaymentSucceeded, PaymentFailed,
                         PaymentRefunded, PaymentDisputed)

#: Stripe PaymentIntent statuses that agree with each of our payment statuses
AGREES = {
    "processing": {"requires_confirmation", "processing", "requires_action", "requires_capture"},
    "succeeded": {"succeeded"},
    "failed": {"requires_payment_method", "canceled"},
}


class Mismatch(msgspec.Struct, frozen=True, kw_only=True):
    kind: str  # missing_at_stripe | status | amount | refund | unknown_at_stripe
    payment_id: str | None
    stripe_payment_intent: str
    ours: str
    stripe: str


def compare(payments: list[Any], known_intents: set[str], intents: list[IntentState]) -> list[Mismatch]:
    """Differences between our payments (current intent each) and Stripe's intents.

    ``known_intents`` holds every intent we ever recorded (earlier attempts included),
    so only intents we never recorded are reported as unknown.
    """
    at_stripe = {i.intent_id: i for i in intents}
    found: list[Mismatch] = []
    for p in payments:
        intent = at_stripe.get(p["stripe_payment_intent"])
        ours_amount = p["amount"] + p["interest"] + p.get("compensation", 0)
        if intent is None:
            found.append(Mismatch(kind="missing_at_stripe", payment_id=p["payment_id"],
                                  stripe_payment_intent=p["stripe_payment_intent"],
                                  ours=p["status"], stripe="-"))
            continue
        if intent.status not in AGREES.get(p["status"], set()):
            found.append(Mismatch(kind="status", payment_id=p["payment_id"],
                                  stripe_payment_intent=intent.intent_id, ours=p["status"],
                                  stripe=intent.status))
        if p["status"] == "succeeded" and intent.refunded != p.get("refunded", 0):
            found.append(Mismatch(kind="refund", payment_id=p["payment_id"],
                                  stripe_payment_intent=intent.intent_id,
                                  ours=f"{p.get('refunded', 0)} refunded",
                                  stripe=f"{intent.refunded} refunded"))
        if intent.amount != ours_amount or intent.currency != p["currency"]:
            found.append(Mismatch(kind="amount", payment_id=p["payment_id"],
                                  stripe_payment_intent=intent.intent_id,
                                  ours=f"{ours_amount} {p['currency']}",
                                  stripe=f"{intent.amount} {intent.currency}"))
    for intent in intents:
        if intent.intent_id not in known_intents:
            found.append(Mismatch(kind="unknown_at_stripe",
                                  payment_id=intent.metadata.get("payment_id"),
                                  stripe_payment_intent=intent.intent_id, ours="-",
                                  stripe=f"{intent.status} {intent.amount} {intent.currency}"))
    return found


async def reconcile(store: Any, gateway: PaymentGateway) -> list[Mismatch]:
    """Our side comes from the event store itself, not a read model that may lag."""
    payments = await recorded_payments(store)
    known = {intent for p in payments for intent in p.intents}
    rows = [{"payment_id": p.payment_id, "stripe_payment_intent": p.current_intent,
             "status": p.status, "amount": p.amount.amount if p.amount else 0,
             "interest": p.interest.amount if p.interest else 0,
             "compensation": p.compensation.amount if p.compensation else 0,
             "currency": p.amount.currency if p.amount else "", "refunded": p.refunded}
            for p in payments]
    return compare(rows, known, await gateway.list_intents())


async def recorded_payments(store: Any) -> list[Payment]:
    rows = await store.pool.fetch(
        "SELECT stream_id, type, data FROM events WHERE type = ANY($1::text[])"
        " ORDER BY stream_id, version", sorted(PAYMENT_TYPES))
    states: dict[str, Payment] = {}
    for row in rows:
        state = states.get(row["stream_id"], PAYMENT.initial())
        states[row["stream_id"]] = PAYMENT.evolve(state, decode_event(row["type"], row["data"]))
    return [p for p in states.values() if p.exists]
