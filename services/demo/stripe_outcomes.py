"""Stripe's answer about a charge, delivered to the marketplace's webhook as Stripe would.

An in-process marketplace has no address Stripe (or localstripe) could post to, so the
demo fetches the event Stripe recorded for the payment intent and posts it, signed with
the endpoint secret, to ``POST /api/v1/webhooks/stripe``: the same route and checks a
real delivery goes through.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from typing import Any

import stripe

from services.demo.api import Api, eventually


class StripeOutcomes:
    def __init__(self, api_key: str, api_base: str | None, webhook_secret: str) -> None:
        options: dict[str, Any] = {"base_addresses": {"api": api_base}} if api_base else {}
        self.stripe = stripe.StripeClient(api_key, **options)
        self.secret = webhook_secret

    def _events(self, intent_id: str, kind: str, since: int) -> list[dict[str, Any]]:
        found = self.stripe.v1.events.list(params={"type": kind, "created": {"gte": since}, "limit": 100})
        return [e.to_dict() for e in found.auto_paging_iter()
                if e.to_dict()["data"]["object"].get("id") == intent_id]

    async def deliver(self, api: Api, intent_id: str, *, since: int,
                      kind: str = "payment_intent.succeeded") -> None:
        """Post Stripe's ``kind`` event about the intent, created at ``since`` (Unix time) or later."""
        async def recorded() -> list[dict[str, Any]]:
            return await asyncio.to_thread(self._events, intent_id, kind, since)

        [event, *_] = await eventually(recorded, f"{kind} of {intent_id} at Stripe")
        payload = json.dumps(event).encode()
        at = int(time.time())
        mac = hmac.new(self.secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
        response = await api.http.post("/api/v1/webhooks/stripe", content=payload, headers={
            "Stripe-Signature": f"t={at},v1={mac}", "Content-Type": "application/json"})
        # 409: the same event is being recorded by a delivery from Stripe itself
        if response.status_code not in (200, 409):
            raise RuntimeError(f"webhook delivery: {response.status_code} {response.text[:300]}")
