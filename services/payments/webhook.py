"""Stripe webhooks: verified, recorded once per Stripe event id, turned into our events.

The signature is checked with ``stripe.Webhook.construct_event`` and the endpoint
secret; a signature older than the tolerance (a replay) is refused like a forged one.
Each Stripe event id gets its own stream, appended at version 0 in the same transaction
as the outcome it causes, so a redelivered event changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
import stripe
from asyncpg import Pool
from litestar import Request, post
from litestar.status_codes import HTTP_200_OK

from events.base import Metadata
from events.payments import StripeEventReceived
from infra.clock import Clock
from infra.eventstore import EventStore, event_ids_for
from infra.executor import Executor
from infra.http.errors import error_responses
from infra.settings import Settings
from infra.stripe_server import LOCAL_WEBHOOK_SECRET
from kernel.context import Actor
from kernel.errors import Conflict, DomainError, Invalid, Unavailable
from services.payments.commands import RecordDispute, RecordFailure, RecordRefund, RecordSuccess
from services.payments.deciders.payment import PAYMENT
from services.payments.gateway import PaymentGateway

log = logging.getLogger("civic.payments.webhook")

STRIPE_ACTOR = Actor(sub="stripe", role="system")
TOLERANCE_S = 300


class WebhookBadRequest(DomainError):
    status = 400
    default_code = "invalid_signature"


class WebhookReceipt(msgspec.Struct, frozen=True, kw_only=True):
    received: bool
    duplicate: bool = False
    payment_id: str | None = None


def webhook_secret(settings: Settings) -> str:
    secret = settings.stripe_webhook_secret
    if secret:
        return secret
    if settings.stripe_api_key is None:  # development against localstripe
        return LOCAL_WEBHOOK_SECRET
    raise Unavailable("the Stripe webhook secret is not configured")


def verify(payload: bytes, signature: str | None, secret: str) -> Any:
    if not signature:
        raise WebhookBadRequest("missing Stripe-Signature header", code="unsigned")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret, tolerance=TOLERANCE_S).to_dict()
    except stripe.SignatureVerificationError as exc:
        raise WebhookBadRequest("the Stripe signature does not verify or is too old") from exc
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        # only after the signature verified: a signed body that is not an event
        raise WebhookBadRequest("the body is not a Stripe event", code="invalid_payload") from exc
    data = event.get("data")
    if (not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str)
            or not isinstance(data, dict) or not isinstance(data.get("object"), dict)
            or not isinstance(data["object"].get("id", ""), str)):
        raise WebhookBadRequest("the body is not a Stripe event", code="invalid_payload")
    return event


def _outcome(event: Any) -> tuple[str, Any] | None:
    """(payment intent id, command) for the Stripe event types that move money."""
    obj = event["data"]["object"]
    match event["type"]:
        case "payment_intent.succeeded":
            received = obj.get("amount_received") or obj.get("amount") or 0
            return obj["id"], RecordSuccess(stripe_payment_intent=obj["id"],
                                            amount_received=int(received),
                                            stripe_event_id=event["id"])
        case "payment_intent.payment_failed":
            error = obj.get("last_payment_error") or {}
            return obj["id"], RecordFailure(stripe_payment_intent=obj["id"],
                                            reason=str(error.get("message") or "declined"),
                                            stripe_event_id=event["id"])
        case "payment_intent.canceled":
            return obj["id"], RecordFailure(stripe_payment_intent=obj["id"],
                                            reason=f"canceled at Stripe ({obj.get('cancellation_reason') or 'no reason given'})",
                                            stripe_event_id=event["id"])
        case "charge.refunded":
            refunds = (obj.get("refunds") or {}).get("data") or []
            latest = max(refunds, key=lambda r: r.get("created") or 0) if refunds else None
            if latest is None or not obj.get("payment_intent"):
                return None
            return obj["payment_intent"], RecordRefund(refund_id=latest["id"],
                                                       amount=int(latest.get("amount") or 0),
                                                       reason=str(latest.get("reason") or ""))
        case "refund.created" | "refund.updated":
            # newer API versions report refunds as Refund objects rather than on the charge
            if obj.get("status") != "succeeded" or not obj.get("payment_intent"):
                return None
            return obj["payment_intent"], RecordRefund(refund_id=obj["id"], amount=int(obj.get("amount") or 0),
                                                       reason=str(obj.get("reason") or ""))
        case "charge.dispute.created":
            if not obj.get("payment_intent"):
                return None
            return obj["payment_intent"], RecordDispute(dispute_id=obj["id"],
                                                        amount=int(obj.get("amount") or 0),
                                                        reason=str(obj.get("reason") or ""))
    return None


async def _payment_of(pool: Pool, gateway: PaymentGateway, intent_id: str,
                      metadata: dict[str, Any]) -> str | None:
    """Our payment id: from the intent's metadata, our read model, or else Stripe itself
    (a dispute or refund carries only the intent's id)."""
    if metadata.get("payment_id"):
        return str(metadata["payment_id"])
    found = await pool.fetchval(
        "SELECT payment_id FROM payments_payments WHERE stripe_payment_intent = $1", intent_id)
    if found:
        return found
    try:
        intent = await gateway.retrieve_intent(intent_id)
    except Exception:  # noqa: BLE001 - unknown to Stripe or unreachable: recorded unmatched
        log.warning("payment intent %s could not be looked up at Stripe", intent_id)
        return None
    return intent.metadata.get("payment_id")


async def process(executor: Executor, pool: Pool, clock: Clock, store: EventStore,
                  gateway: PaymentGateway, event: Any) -> WebhookReceipt:
    """Record a verified Stripe event and the outcome it reports, exactly once."""
    outcome = _outcome(event)
    obj = event["data"]["object"]
    payment_id = None
    if outcome is not None:
        payment_id = await _payment_of(pool, gateway, outcome[0], dict(obj.get("metadata") or {}))
    async with store.transaction() as conn:
        received = StripeEventReceived(
            stripe_event_id=event["id"], event_type=event["type"], object_id=str(obj.get("id", "")),
            payment_id=payment_id, received_at=clock.now())
        command_id = f"stripe:{event['id']}"
        result = await store.append(
            f"stripe-event-{event['id']}", 0, [received],
            Metadata(occurred_at=received.received_at, command_id=command_id,
                     actor=STRIPE_ACTOR.sub, actor_role=STRIPE_ACTOR.role),
            event_ids=event_ids_for(command_id, 1), conn=conn)
        if result.duplicate:
            return WebhookReceipt(received=True, duplicate=True, payment_id=payment_id)
        if outcome is not None and payment_id is not None:
            state, _ = await executor.load(PAYMENT, payment_id, conn=conn)
            if state.exists:
                try:
                    await executor.execute(PAYMENT, payment_id, outcome[1], STRIPE_ACTOR,
                                                 command_id=f"{command_id}:outcome", conn=conn,
                                                 causation_id=result.event_ids[0])
                except (Conflict, Invalid) as exc:
                    # Stripe's report does not fit our record: keep the event for
                    # reconciliation rather than have Stripe redeliver it forever.
                    log.warning("stripe event %s for payment %s not applied: %s",
                                event["id"], payment_id, exc.message)
    return WebhookReceipt(received=True, payment_id=payment_id)


@post("/webhooks/stripe", tags=["payments"], status_code=HTTP_200_OK, security=[{}],
      summary="Stripe webhook endpoint (signed by Stripe; no bearer token)",
      responses=error_responses(400, 503))
async def stripe_webhook(executor: Executor, pool: Pool, clock: Clock, store: EventStore,
                         settings: Settings, gateway: PaymentGateway,
                         request: Request[Any, Any, Any]) -> WebhookReceipt:
    payload = await request.body()
    event = verify(payload, request.headers.get("stripe-signature"), webhook_secret(settings))
    receipt = await process(executor, pool, clock, store, gateway, event)
    log.info("stripe event %s (%s) recorded%s", event["id"], event["type"],
             " again: ignored" if receipt.duplicate else "")
    return receipt
