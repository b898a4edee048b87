"""Contract facts, Stripe events and waiting helpers for the payment tests."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import date
from typing import Any

import pytest
import stripe

from events.base import Metadata, Money
from events.contracts import ContractActivated, ContractOpened
from tests.support import TEST_WEBHOOK_SECRET, eventually, unique

API = "/api/v1"


def sign(payload: bytes, secret: str = TEST_WEBHOOK_SECRET, at: int | None = None) -> str:
    """A Stripe-Signature header as Stripe computes it (HMAC-SHA256 over "t.payload")."""
    timestamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


class Marketplace:
    """One agency, one vendor and their active contract, plus the run's Stripe."""

    def __init__(self, client: Any, civic: Any, token: Any, stripe_client: stripe.StripeClient) -> None:
        self.client = client
        #: the store and database seen from the test's own connections
        self.civic = civic
        self.stripe = stripe_client
        self.agency = unique("ag")
        self.vendor = unique("v")
        self.vendor_headers = token("vendor", vendor=self.vendor)
        self.finance = token("finance", agency=self.agency)
        self.buyer = token("buyer", agency=self.agency)
        self.admin = token("admin")

    async def register_agency(self, days: int = 30, rate: float | None = 0.05,
                              jurisdiction: str = "US-OR-Portland") -> dict[str, Any]:
        """``rate=None``: the agency sets no rate of its own (its pack's statutory rate applies)."""
        body: dict[str, Any] = {"agency_id": self.agency, "name": "City Works", "jurisdiction": jurisdiction,
                                "prompt_payment_days": days}
        if rate is not None:
            body["late_interest_annual_rate"] = rate
        response = await self.client.post(f"{API}/agencies", headers=self.admin, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    async def open_contract(self, value: int, *, requires_receipt: bool = False,
                            currency: str = "USD", solicitation_id: str | None = None) -> str:
        """The contract facts the contracts service would record, appended to the store."""
        contract_id = unique("ct")
        now = self.civic.clock.now()
        await self.civic.store.append(f"contract-{contract_id}", 0, [
            ContractOpened(contract_id=contract_id, award_id=unique("aw"),
                           solicitation_id=solicitation_id or unique("sol"),
                           agency_id=self.agency, vendor_id=self.vendor,
                           value=Money(amount=value, currency=currency), start_date=date(2026, 1, 1),
                           end_date=date(2030, 12, 31), terms_ref="terms-v1",
                           requires_receipt=requires_receipt, opened_at=now),
            ContractActivated(contract_id=contract_id, activated_at=now),
        ], Metadata(occurred_at=now, actor="buyer-1", actor_role="buyer", agency=self.agency))

        async def active() -> bool:
            return await self.civic.pool.fetchval(
                "SELECT status = 'active' FROM payments_contracts WHERE contract_id = $1", contract_id)

        await eventually(active, what="contract in the payments read model")
        return contract_id

    async def invoice(self, contract_id: str, total: int = 130_000, **changes: Any) -> Any:
        body = {"number": unique("INV-"), "currency": "USD",
                "lines": [{"description": "Road resurfacing, phase 1", "quantity": 1, "unit_price": total}],
                "total": total, "service_period": {"start": "2026-02-01", "end": "2026-02-28"},
                **changes}
        return await self.client.post(f"{API}/contracts/{contract_id}/invoices", json=body,
                                      headers=self.vendor_headers)

    async def payment(self, payment_id: str, status: str | None = None) -> dict[str, Any]:
        async def ready() -> Any:
            response = await self.client.get(f"{API}/payments/{payment_id}", headers=self.finance)
            if response.status_code == 200 and (status is None or response.json()["status"] == status):
                return response.json()
            return None

        return await eventually(ready, what=f"payment {payment_id} {status or ''}")

    def intents_for(self, payment_id: str) -> list[Any]:
        intents = self.stripe.v1.payment_intents.list(params={"limit": 100})
        return [i for i in intents.auto_paging_iter()
                if i.to_dict().get("metadata", {}).get("payment_id") == payment_id]

    def stripe_events(self, intent_id: str, type_: str) -> list[dict[str, Any]]:
        """Events localstripe generated for an intent, as Stripe would post them."""
        found = self.stripe.v1.events.list(params={"type": type_, "limit": 100})
        events = [e.to_dict() for e in found.auto_paging_iter()]
        return [e for e in events if e["data"]["object"].get("id") == intent_id]

    async def deliver(self, event: dict[str, Any], *, secret: str = TEST_WEBHOOK_SECRET,
                      at: int | None = None) -> Any:
        payload = json.dumps(event).encode()
        return await self.client.post(f"{API}/webhooks/stripe", content=payload, headers={
            "Stripe-Signature": sign(payload, secret, at), "Content-Type": "application/json"})

    async def deliver_outcome(self, payment_id: str, type_: str) -> dict[str, Any]:
        intent_id = (await self.payment(payment_id))["stripe_payment_intent"]
        events = await eventually(lambda: _async(self.stripe_events(intent_id, type_)),
                                  what=f"{type_} at localstripe")
        response = await self.deliver(events[0])
        assert response.status_code == 200, response.text
        return events[0]

    def declining_card(self) -> str:
        return self.stripe.v1.payment_methods.create(params={"type": "card", "card": {
            "number": "4000000000000341", "exp_month": 12, "exp_year": 2034, "cvc": "123"}}).id

    def good_card(self) -> str:
        return self.stripe.v1.payment_methods.create(params={"type": "card", "card": {
            "number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}}).id


async def _async(value: Any) -> Any:
    return value


@pytest.fixture
async def market(client: Any, civic: Any, token: Any, localstripe: Any) -> Marketplace:
    stripe_client = stripe.StripeClient(localstripe.api_key, base_addresses={"api": localstripe.api_base})
    place = Marketplace(client, civic, token, stripe_client)
    await place.register_agency()
    return place


@pytest.fixture
async def unregistered_market(client: Any, civic: Any, token: Any, localstripe: Any) -> Marketplace:
    """A marketplace whose agency the test registers itself (its own jurisdiction and terms)."""
    stripe_client = stripe.StripeClient(localstripe.api_key, base_addresses={"api": localstripe.api_base})
    return Marketplace(client, civic, token, stripe_client)
