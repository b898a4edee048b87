"""Reconciliation: our payment records against Stripe's, and every difference between them."""

from __future__ import annotations

from typing import Any

import msgspec

from services.payments.gateway import IntentState, PaymentGateway

#: Stripe PaymentIntent statuses that agree with each of our payment statuses
AGREES = {
    "processing": {"requires_confirmation", "processing", "requires_action", "requires_capture"},
    "succeeded": {"succeeded"},
    "failed": {"requires_payment_method", "canceled"},
}


class Mismatch(msgspec.Struct, frozen=True, kw_only=True):
    kind: str  # missing_at_stripe | status | amount | unknown_at_stripe
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
        ours_amount = p["amount"] + p["interest"]
        if intent is None:
            found.append(Mismatch(kind="missing_at_stripe", payment_id=p["payment_id"],
                                  stripe_payment_intent=p["stripe_payment_intent"],
                                  ours=p["status"], stripe="-"))
            continue
        if intent.status not in AGREES.get(p["status"], set()):
            found.append(Mismatch(kind="status", payment_id=p["payment_id"],
                                  stripe_payment_intent=intent.intent_id, ours=p["status"],
                                  stripe=intent.status))
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


async def reconcile(pool: Any, gateway: PaymentGateway) -> list[Mismatch]:
    payments = await pool.fetch("SELECT * FROM payments_payments ORDER BY started_at")
    known = await pool.fetch(
        "SELECT DISTINCT data->>'stripe_payment_intent' AS intent FROM events"
        " WHERE type IN ('payments.PaymentStarted.v1', 'payments.PaymentRetried.v1')")
    return compare(list(payments), {r["intent"] for r in known}, await gateway.list_intents())
