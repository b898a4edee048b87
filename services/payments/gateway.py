"""The payment gateway: every call the marketplace makes to Stripe, behind one interface.

``StripeGateway`` uses the official ``stripe`` SDK. Pointed at ``STRIPE_API_BASE`` it
talks to any Stripe-compatible server (``localstripe`` in development and tests).
Requests that create something carry an idempotency key derived from our payment id,
so a retried or redelivered request never charges twice. localstripe ignores
idempotency keys, so callers also check our own records before creating (see
``services/payments/reactors.py``).

Connect payouts to vendors' connected accounts are part of this interface but are not
offered by localstripe; see docs/payments.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

import msgspec
import stripe

from events.base import Money
from kernel.errors import Invalid, Unavailable

#: A card that localstripe (and Stripe's test mode) always charges successfully.
TEST_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}


class IntentState(msgspec.Struct, frozen=True, kw_only=True):
    """What Stripe says about a PaymentIntent."""

    intent_id: str
    status: str  # Stripe's: requires_payment_method | requires_confirmation | processing | succeeded | canceled ...
    amount: int
    amount_received: int
    currency: str
    metadata: dict[str, str] = {}
    error: str = ""
    refunded: int = 0

    @property
    def failed(self) -> bool:
        return self.status == "requires_payment_method" and bool(self.error)


class RefundState(msgspec.Struct, frozen=True, kw_only=True):
    refund_id: str
    status: str
    amount: int


@runtime_checkable  # Litestar checks injected dependencies against their annotation
class PaymentGateway(Protocol):
    """What the payments service needs from a payment provider."""

    async def default_funding(self) -> str | None:
        """A payment method to charge when an agency has none configured (test mode only)."""

    async def create_intent(self, *, amount: Money, payment_method: str | None,
                            metadata: Mapping[str, str], idempotency_key: str) -> IntentState: ...

    async def confirm_intent(self, intent_id: str, *, idempotency_key: str) -> IntentState: ...

    async def retrieve_intent(self, intent_id: str) -> IntentState: ...

    async def refund(self, intent_id: str, amount: int, *, metadata: Mapping[str, str],
                     idempotency_key: str) -> RefundState: ...

    async def list_intents(self) -> list[IntentState]: ...

    async def payout_to_vendor(self, *, vendor_account: str, amount: Money,
                               metadata: Mapping[str, str], idempotency_key: str) -> str: ...


class StripeGateway:
    def __init__(self, api_key: str, *, api_base: str | None = None, test_mode: bool = False) -> None:
        bases = {"api": api_base} if api_base else {}
        self.client = stripe.StripeClient(api_key, base_addresses=bases,  # type: ignore[arg-type]
                                          http_client=stripe.HTTPXClient(), max_network_retries=2)
        self.test_mode = test_mode
        #: a Stripe-compatible local server accepts raw test card numbers
        self.local = api_base is not None
        self._test_card: str | None = None

    async def default_funding(self) -> str | None:
        if not self.test_mode:
            return None
        if self.local and self._test_card is None:
            method = await _call(self.client.v1.payment_methods.create_async(
                params={"type": "card", "card": TEST_CARD}))  # type: ignore[arg-type]
            self._test_card = method.id
        return self._test_card if self.local else "pm_card_visa"  # Stripe's test-mode token

    async def create_intent(self, *, amount: Money, payment_method: str | None,
                            metadata: Mapping[str, str], idempotency_key: str) -> IntentState:
        params: dict[str, Any] = {"amount": amount.amount, "currency": amount.currency.lower(),
                                  "metadata": dict(metadata)}
        if payment_method:
            params["payment_method"] = payment_method
        intent = await _call(self.client.v1.payment_intents.create_async(
            params=params, options={"idempotency_key": idempotency_key}))  # type: ignore[arg-type]
        return _intent(intent)

    async def confirm_intent(self, intent_id: str, *, idempotency_key: str) -> IntentState:
        try:
            intent = await _call(self.client.v1.payment_intents.confirm_async(
                intent_id, options={"idempotency_key": idempotency_key}))
        except stripe.CardError:
            # Declined: Stripe keeps the intent, now with last_payment_error.
            return await self.retrieve_intent(intent_id)
        return _intent(intent)

    async def retrieve_intent(self, intent_id: str) -> IntentState:
        return _intent(await _call(self.client.v1.payment_intents.retrieve_async(intent_id)))

    async def refund(self, intent_id: str, amount: int, *, metadata: Mapping[str, str],
                     idempotency_key: str) -> RefundState:
        refund = await _call(self.client.v1.refunds.create_async(
            params={"payment_intent": intent_id, "amount": amount, "metadata": dict(metadata)},
            options={"idempotency_key": idempotency_key}))
        return RefundState(refund_id=refund.id, status=refund.status or "pending",
                           amount=refund.amount)

    async def list_intents(self) -> list[IntentState]:
        found: list[IntentState] = []
        page = await _call(self.client.v1.payment_intents.list_async(
            params={"limit": 100, "expand": ["data.latest_charge"]}))
        async for intent in page.auto_paging_iter():
            found.append(_intent(intent))
        return found

    async def payout_to_vendor(self, *, vendor_account: str, amount: Money,
                               metadata: Mapping[str, str], idempotency_key: str) -> str:
        """A Connect transfer to the vendor's connected account (not offered by localstripe)."""
        transfer = await _call(self.client.v1.transfers.create_async(
            params={"amount": amount.amount, "currency": amount.currency.lower(),
                    "destination": vendor_account, "metadata": dict(metadata)},
            options={"idempotency_key": idempotency_key}))
        return transfer.id


async def _call(awaitable: Any) -> Any:
    """Stripe's connection, server and credential errors become 503s (retry later); a
    request Stripe refuses becomes a 422 with Stripe's message; a decline stays a
    ``CardError`` for the caller to record."""
    try:
        return await awaitable
    except stripe.CardError:
        raise
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.AuthenticationError,
            stripe.APIError) as exc:
        raise Unavailable("the payment provider is unavailable; retry shortly") from exc
    except stripe.StripeError as exc:
        raise Invalid(f"the payment provider refused the request: {exc.user_message or exc}",
                      code="payment_provider_refused") from exc


def _intent(resource: Any) -> IntentState:
    intent = resource.to_dict()
    error = intent.get("last_payment_error") or {}
    charge = intent.get("latest_charge")  # expanded when listing, an id otherwise
    metadata = intent.get("metadata") or {}
    return IntentState(
        intent_id=intent["id"], status=intent["status"], amount=int(intent["amount"]),
        amount_received=int(intent.get("amount_received") or
                            (intent["amount"] if intent["status"] == "succeeded" else 0)),
        currency=str(intent["currency"]).upper(),
        metadata={str(k): str(v) for k, v in dict(metadata).items()},
        error=str(error.get("message") or error.get("code") or ""),
        refunded=int(charge.get("amount_refunded") or 0) if isinstance(charge, dict) else 0,
    )


def gateway_for(api_key: str | None, api_base: str | None) -> StripeGateway:
    """The gateway for the configured Stripe; without a key, the local test server."""
    from infra.stripe_server import LOCAL_API_KEY

    return StripeGateway(api_key or LOCAL_API_KEY, api_base=api_base, test_mode=api_key is None
                         or api_key.startswith("sk_test_"))
