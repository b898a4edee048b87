"""Review, prompt-payment clock, contract balance, failures, retries and refunds over HTTP."""

from __future__ import annotations

import asyncio
from datetime import date

from events.base import Money
from services.payments.prompt_payment import interest_owed
from tests.e2e.payments.conftest import API
from tests.support import eventually

DAY = 86_400


async def _now(market):
    response = await market.client.get(f"{API}/dev/clock", headers=market.admin)
    return response.json()["now"]


async def _advance(market, days):
    response = await market.client.post(f"{API}/dev/clock", json={"advance_seconds": days * DAY},
                                        headers=market.admin)
    assert response.status_code == 200, response.text
    return response.json()["now"]


async def test_an_invoice_nobody_acts_on_is_deemed_accepted_then_listed_overdue(market):
    contract_id = await market.open_contract(500_000)
    invoice = (await market.invoice(contract_id, total=60_000)).json()
    await _advance(market, 8)
    read = await market.client.get(f"{API}/invoices/{invoice['id']}", headers=market.finance)
    body = read.json()
    assert body["status"] == "accepted" and body["deemed_accepted"] is True
    assert body["accepted_at"] == invoice["acceptance_deadline"]
    assert date.fromisoformat(body["due_date"]) > date.fromisoformat(invoice["received_at"][:10])

    await _advance(market, 31)

    async def overdue():
        response = await market.client.get(f"{API}/invoices", params={"overdue": "true", "limit": 200},
                                           headers=market.finance)
        return [i for i in response.json()["items"] if i["id"] == invoice["id"]]

    [row] = await eventually(overdue, what="invoice listed overdue")
    assert row["overdue"] is True


async def test_a_late_payment_carries_interest_from_the_day_after_the_due_date(market):
    contract_id = await market.open_contract(5_000_000)
    invoice = (await market.invoice(contract_id, total=2_000_000)).json()
    accepted = (await market.client.post(f"{API}/invoices/{invoice['id']}/accept", headers=market.finance)).json()
    due = date.fromisoformat(accepted["due_date"])
    today = date.fromisoformat((await _advance(market, 45))[:10])
    approved = await market.client.post(f"{API}/invoices/{invoice['id']}/approve", headers=market.finance)
    [payment_id] = approved.json()["payment_ids"]
    payment = await market.payment(payment_id)
    expected = interest_owed(Money(amount=2_000_000, currency="USD"), due, today, 0.05)
    assert (today - due).days >= 14 and expected.amount > 100
    assert payment["interest"] == {"amount": expected.amount, "currency": "USD"}
    [intent] = market.intents_for(payment_id)
    assert intent.amount == 2_000_000 + expected.amount  # interest is paid with the principal


async def test_dispute_then_corrected_resubmission_then_receipt_and_partial_approval(market):
    contract_id = await market.open_contract(300_000, requires_receipt=True)
    invoice_id = (await market.invoice(contract_id, total=120_000)).json()["id"]
    blank = await market.client.post(f"{API}/invoices/{invoice_id}/dispute", json={"reason": ""},
                                     headers=market.finance)
    assert blank.status_code == 422 and blank.json()["error"]["details"][0]["field"] == "reason"
    disputed = await market.client.post(f"{API}/invoices/{invoice_id}/dispute",
                                        json={"reason": "Quantity exceeds the delivery note"},
                                        headers=market.finance)
    assert disputed.json()["status"] == "disputed"
    fixed = await market.client.post(f"{API}/invoices/{invoice_id}/resubmit", headers=market.vendor_headers, json={
        "lines": [{"description": "Road resurfacing, phase 1", "quantity": "0.75", "unit_price": 120_000}],
        "total": 90_000, "service_period": {"start": "2026-02-01", "end": "2026-02-28"}})
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["status"] == "submitted" and fixed.json()["total"]["amount"] == 90_000
    early = await market.client.post(f"{API}/invoices/{invoice_id}/approve", headers=market.finance)
    assert early.status_code == 409 and early.json()["error"]["code"] == "receipt_required"
    receipt = await market.client.post(f"{API}/invoices/{invoice_id}/receipt", json={"note": "received"},
                                       headers=market.buyer)
    assert receipt.status_code == 200 and receipt.json()["receipt_confirmed_at"]
    part = await market.client.post(f"{API}/invoices/{invoice_id}/approve", json={"amount": 40_000},
                                    headers=market.finance)
    assert part.json()["status"] == "partially_approved"
    rest = await market.client.post(f"{API}/invoices/{invoice_id}/approve", headers=market.finance)
    assert rest.json()["status"] == "approved" and len(rest.json()["payment_ids"]) == 2
    amounts = [(await market.payment(p))["amount"]["amount"] for p in rest.json()["payment_ids"]]
    assert amounts == [40_000, 50_000]


async def test_concurrent_invoices_never_exceed_the_contract_value(market):
    contract_id = await market.open_contract(100_000)
    responses = await asyncio.gather(*[market.invoice(contract_id, total=30_000) for _ in range(5)])
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 201, 201, 409, 409]
    refused = [r.json() for r in responses if r.status_code == 409]
    assert all(r["error"]["code"] == "over_contract_value" for r in refused)
    assert all(r["error"]["details"]["remaining"] == {"amount": 10_000, "currency": "USD"} for r in refused)
    ledger = await market.civic.store.read_stream(f"contract-billing-{contract_id}")
    assert [e.event.invoiced_total.amount for e in ledger] == [30_000, 60_000, 90_000]


async def test_invalid_invoices_get_clear_errors(market):
    contract_id = await market.open_contract(100_000)
    mismatch = await market.invoice(contract_id, total=5_000,
                                    lines=[{"description": "x", "quantity": 2, "unit_price": 2_000}])
    assert mismatch.status_code == 422 and mismatch.json()["error"]["details"][0]["field"] == "total"
    unknown = await market.invoice(contract_id, surprise=1)
    assert unknown.status_code == 422
    wrong_currency = await market.invoice(contract_id, total=100, currency="EUR",
                                          lines=[{"description": "x", "quantity": 1, "unit_price": 100}])
    assert wrong_currency.json()["error"]["details"][0]["field"] == "currency"
    first = await market.invoice(contract_id, total=100, number="DUP-1",
                                 lines=[{"description": "x", "quantity": 1, "unit_price": 100}])
    assert first.status_code == 201
    again = await market.invoice(contract_id, total=100, number="dup-1",
                                 lines=[{"description": "x", "quantity": 1, "unit_price": 100}])
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate_number"
    missing = await market.client.post(f"{API}/contracts/nope/invoices", headers=market.vendor_headers, json={
        "number": "N-1", "currency": "USD", "total": 1, "lines": [{"description": "x", "quantity": 1, "unit_price": 1}],
        "service_period": {"start": "2026-02-01", "end": "2026-02-28"}})
    assert missing.status_code == 404


async def test_a_declined_payment_is_retried_by_finance_and_then_refunded_in_part(market):
    declining = market.declining_card()
    funded = await market.client.put(f"{API}/payments/funding-sources/{market.agency}",
                                     json={"payment_method": declining}, headers=market.finance)
    assert funded.status_code == 200, funded.text
    contract_id = await market.open_contract(500_000)
    invoice_id = (await market.invoice(contract_id, total=70_000)).json()["id"]
    approved = await market.client.post(f"{API}/invoices/{invoice_id}/approve", headers=market.finance)
    [payment_id] = approved.json()["payment_ids"]
    await market.payment(payment_id)
    await market.deliver_outcome(payment_id, "payment_intent.payment_failed")
    failed = await market.payment(payment_id, "failed")
    assert "declined" in failed["failure_reason"]
    not_yet = await market.client.post(f"{API}/payments/{payment_id}/refund", headers=market.finance)
    assert not_yet.status_code == 409

    await market.client.put(f"{API}/payments/funding-sources/{market.agency}",
                            json={"payment_method": market.good_card()}, headers=market.finance)
    once = {**market.finance, "Idempotency-Key": "retry-1"}
    retried = await market.client.post(f"{API}/payments/{payment_id}/retry", headers=once)
    assert retried.status_code == 200, retried.text
    repeated = await market.client.post(f"{API}/payments/{payment_id}/retry", headers=once)
    assert repeated.status_code == 200 and repeated.json()["attempt"] == 2
    assert retried.json()["attempt"] == 2 and retried.json()["status"] == "processing"
    assert retried.json()["stripe_payment_intent"] != failed["stripe_payment_intent"]
    await market.deliver_outcome(payment_id, "payment_intent.succeeded")
    await market.payment(payment_id, "succeeded")
    assert len(market.intents_for(payment_id)) == 2

    too_much = await market.client.post(f"{API}/payments/{payment_id}/refund", json={"amount": 70_001},
                                        headers=market.finance)
    assert too_much.status_code == 422
    for _ in range(2):  # a client retrying the same request refunds once
        refunded = await market.client.post(f"{API}/payments/{payment_id}/refund",
                                            json={"amount": 20_000, "reason": "returned materials"},
                                            headers={**market.finance, "Idempotency-Key": "refund-1"})
        assert refunded.status_code == 200, refunded.text
    assert refunded.json()["refunded"] == {"amount": 20_000, "currency": "USD"}
    intent_id = refunded.json()["stripe_payment_intent"]
    stripe_refunds = market.stripe.v1.refunds.list(params={"payment_intent": intent_id})
    assert [r.amount for r in stripe_refunds.data] == [20_000]

    async def trail():
        response = await market.client.get(f"{API}/payments/audit", headers=market.finance,
                                           params={"agency": market.agency, "limit": 500})
        return [(e["event_type"], e["actor_role"]) for e in response.json()["items"]]

    async def complete():
        found = await trail()
        return found if ("payments.PaymentRefunded.v1", "finance") in found else None

    found = await eventually(complete, what="refund in the audit trail")
    assert found.count(("payments.FundingSourceSet.v1", "finance")) == 2
    assert ("payments.PaymentFailed.v1", "system") in found
    assert ("payments.PaymentRetried.v1", "finance") in found


async def test_a_repeated_submission_with_the_same_key_invoices_once(market):
    contract_id = await market.open_contract(100_000)
    body = {"number": "IDEM-1", "currency": "USD", "total": 60_000,
            "lines": [{"description": "Consulting", "quantity": "2.5", "unit_price": 24_000}],
            "service_period": {"start": "2026-02-01", "end": "2026-02-28"}}
    headers = {**market.vendor_headers, "Idempotency-Key": "submit-idem-1"}
    first = await market.client.post(f"{API}/contracts/{contract_id}/invoices", json=body, headers=headers)
    second = await market.client.post(f"{API}/contracts/{contract_id}/invoices", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    ledger = await market.civic.store.read_stream(f"contract-billing-{contract_id}")
    assert [e.event.invoiced_total.amount for e in ledger] == [60_000]
