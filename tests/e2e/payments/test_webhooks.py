"""Stripe webhooks: only verified, fresh, first deliveries change anything."""

from __future__ import annotations

import json
import time

from tests.e2e.payments.conftest import API, sign


async def _processing_payment(market):
    contract_id = await market.open_contract(500_000)
    invoice_id = (await market.invoice(contract_id, total=25_000)).json()["id"]
    approved = await market.client.post(f"{API}/invoices/{invoice_id}/approve", headers=market.finance)
    [payment_id] = approved.json()["payment_ids"]
    payment = await market.payment(payment_id)
    [event] = await _eventually_events(market, payment["stripe_payment_intent"])
    return payment_id, event


async def _eventually_events(market, intent_id):
    from tests.support import eventually

    async def found():
        return market.stripe_events(intent_id, "payment_intent.succeeded")

    return await eventually(found, what="localstripe event")


async def _stream_types(market, stream):
    return [e.type for e in await market.civic.store.read_stream(stream)]


async def test_forged_unsigned_and_replayed_webhooks_are_refused_and_change_nothing(market):
    payment_id, event = await _processing_payment(market)
    payload = json.dumps(event).encode()
    url = f"{API}/webhooks/stripe"
    attempts = {
        "unsigned": {},
        "wrong secret": {"Stripe-Signature": sign(payload, "whsec_attacker")},
        "garbage signature": {"Stripe-Signature": "t=1,v1=deadbeef"},
        "replayed (signed ten minutes ago)": {"Stripe-Signature": sign(payload, at=int(time.time()) - 600)},
    }
    for what, headers in attempts.items():
        response = await market.client.post(url, content=payload, headers=headers)
        assert response.status_code == 400, what
        assert response.json()["error"]["code"] in ("unsigned", "invalid_signature"), what
    # a valid signature over a different body
    tampered = payload.replace(b'"succeeded"', b'"canceled"', 1)
    response = await market.client.post(url, content=tampered, headers={"Stripe-Signature": sign(payload)})
    assert response.status_code == 400
    # correctly signed, but not an event
    for body in (b"[]", b'{"id": "evt_1", "type": "x"}', b"not json"):
        response = await market.client.post(url, content=body, headers={"Stripe-Signature": sign(body)})
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_payload"
    assert await _stream_types(market, f"stripe-event-{event['id']}") == []
    assert (await market.payment(payment_id))["status"] == "processing"


async def test_each_stripe_event_is_processed_once(market):
    payment_id, event = await _processing_payment(market)
    first = await market.deliver(event)
    assert first.status_code == 200 and first.json() == {"received": True, "duplicate": False,
                                                         "payment_id": payment_id}
    again = await market.deliver(event)  # Stripe retries with a fresh signature
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert (await market.payment(payment_id, "succeeded"))["status"] == "succeeded"
    types = await _stream_types(market, f"payment-{payment_id}")
    assert types.count("payments.PaymentSucceeded.v1") == 1
    assert await _stream_types(market, f"stripe-event-{event['id']}") == ["payments.StripeEventReceived.v1"]


async def test_a_dispute_reported_by_stripe_is_recorded(market):
    payment_id, event = await _processing_payment(market)
    await market.deliver(event)
    intent_id = event["data"]["object"]["id"]
    # localstripe has no disputes API: this is the event Stripe sends when a bank disputes
    dispute = {"id": f"evt_dispute_{payment_id}", "object": "event", "type": "charge.dispute.created",
               "created": int(time.time()), "api_version": "2024-06-20",
               "data": {"object": {"id": f"dp_{payment_id}", "object": "dispute", "amount": 25_000,
                                   "currency": "usd", "reason": "fraudulent",
                                   "payment_intent": intent_id, "status": "needs_response"}}}
    response = await market.deliver(dispute)
    assert response.status_code == 200, response.text
    payment = await market.payment(payment_id)
    assert payment["disputes"] == [f"dp_{payment_id}"]


async def test_the_webhook_secret_and_api_key_never_reach_the_logs(market, localstripe):
    from tests.security.logscan import capture_logs
    from tests.support import TEST_WEBHOOK_SECRET

    with capture_logs() as logs:
        payment_id, event = await _processing_payment(market)
        payload = json.dumps(event).encode()
        forged = await market.client.post(f"{API}/webhooks/stripe", content=payload,
                                          headers={"Stripe-Signature": sign(payload, "whsec_other")})
        assert forged.status_code == 400
        assert (await market.deliver(event)).status_code == 200
        await market.payment(payment_id, "succeeded")
    assert len(logs) > 0
    logs.assert_never_contains(TEST_WEBHOOK_SECRET, localstripe.api_key)


async def test_refunds_reported_by_stripe_are_recorded_once(market):
    payment_id, event = await _processing_payment(market)
    await market.deliver(event)
    await market.payment(payment_id, "succeeded")
    ours = await market.client.post(f"{API}/payments/{payment_id}/refund", json={"amount": 5_000},
                                    headers=market.finance)
    assert ours.status_code == 200
    intent_id = event["data"]["object"]["id"]
    market.stripe.v1.refunds.create(params={"payment_intent": intent_id, "amount": 2_000})  # from the dashboard

    # localstripe sends no refund webhooks: post the charge.refunded events Stripe would
    # send, one per refund, built from the charge as localstripe holds it
    charge_id = market.stripe.v1.payment_intents.retrieve(intent_id).to_dict()["latest_charge"]
    charge_id = charge_id["id"] if isinstance(charge_id, dict) else charge_id
    charge = market.stripe.v1.charges.retrieve(charge_id).to_dict()
    assert sorted(r["amount"] for r in charge["refunds"]["data"]) == [2_000, 5_000]
    for number, refund in enumerate(charge["refunds"]["data"]):
        notice = {"id": f"evt_refund_{payment_id}_{number}", "object": "event", "type": "charge.refunded",
                  "created": int(time.time()), "data": {"object": {
                      **charge, "refunds": {"object": "list", "data": [refund]}}}}
        assert (await market.deliver(notice)).status_code == 200
    # the same refunds as newer API versions report them: already recorded, nothing changes
    for refund in charge["refunds"]["data"]:
        notice = {"id": f"evt_refund_obj_{refund['id']}", "object": "event", "type": "refund.updated",
                  "created": int(time.time()), "data": {"object": {**refund, "payment_intent": intent_id}}}
        assert (await market.deliver(notice)).status_code == 200
    payment = await market.payment(payment_id)
    assert payment["refunded"] == {"amount": 7_000, "currency": "USD"}
    types = await _stream_types(market, f"payment-{payment_id}")
    assert types.count("payments.PaymentRefunded.v1") == 2
