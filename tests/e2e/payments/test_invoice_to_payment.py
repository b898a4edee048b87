"""From a vendor's invoice to money paid through Stripe (localstripe), over HTTP."""

from __future__ import annotations

import asyncio

from services.payments.reactors import PaymentStarter
from tests.e2e.payments.conftest import API
from tests.support import eventually


async def test_invoice_is_paid_through_stripe_end_to_end(market):
    contract_id = await market.open_contract(1_000_000)
    submitted = await market.invoice(contract_id, total=130_000)
    assert submitted.status_code == 201, submitted.text
    invoice = submitted.json()
    assert invoice["status"] == "submitted" and invoice["total"] == {"amount": 130_000, "currency": "USD"}
    invoice_id = invoice["id"]

    accepted = await market.client.post(f"{API}/invoices/{invoice_id}/accept", headers=market.finance)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["due_date"] is not None

    approved = await market.client.post(f"{API}/invoices/{invoice_id}/approve", headers=market.finance)
    assert approved.status_code == 200, approved.text
    [payment_id] = approved.json()["payment_ids"]

    payment = await market.payment(payment_id)
    assert payment["amount"] == {"amount": 130_000, "currency": "USD"}
    [intent] = market.intents_for(payment_id)
    assert intent.id == payment["stripe_payment_intent"] and intent.amount == 130_000
    assert intent.metadata.to_dict() == {"payment_id": payment_id, "invoice_id": invoice_id,
                                         "contract_id": contract_id, "agency_id": market.agency,
                                         "vendor_id": market.vendor}
    await eventually(lambda: _charged(market, intent.id), what="the charge at Stripe")

    await market.deliver_outcome(payment_id, "payment_intent.succeeded")
    paid = await market.payment(payment_id, "succeeded")
    assert paid["paid_at"] is not None and paid["interest"]["amount"] == 0

    async def listed_as_paid():
        response = await market.client.get(f"{API}/invoices", params={"status": "paid"},
                                           headers=market.finance)
        return [i for i in response.json()["items"] if i["id"] == invoice_id]

    [row] = await eventually(listed_as_paid, what="invoice listed as paid")
    assert row["paid"] == {"amount": 130_000, "currency": "USD"} and not row["overdue"]
    seen_by_vendor = await market.client.get(f"{API}/invoices/{invoice_id}", headers=market.vendor_headers)
    [line] = seen_by_vendor.json()["payments"]
    assert line["id"] == payment_id and line["status"] == "succeeded" and line["paid_at"]
    # one status vocabulary: the detail says what the list says
    assert seen_by_vendor.json()["status"] == row["status"] == "paid"


async def _charged(market, intent_id):
    return market.stripe.v1.payment_intents.retrieve(intent_id).status == "succeeded"


async def test_a_redelivered_approval_charges_once(market):
    contract_id = await market.open_contract(500_000)
    invoice_id = (await market.invoice(contract_id, total=40_000)).json()["id"]
    approved = await market.client.post(f"{API}/invoices/{invoice_id}/approve", headers=market.finance)
    [payment_id] = approved.json()["payment_ids"]
    await market.payment(payment_id)

    # The approval event delivered again, twice and concurrently, as JetStream may.
    [approval] = [e for e in await market.civic.store.read_stream(f"invoice-{invoice_id}")
                  if e.type == "invoices.InvoiceApproved.v1"]
    starter = PaymentStarter(market.civic)
    await asyncio.gather(starter.react(approval), starter.react(approval))
    await starter.react(approval)

    intents = market.intents_for(payment_id)
    assert len(intents) == 1
    assert intents[0].status == "succeeded" and intents[0].amount == 40_000
    started = [e for e in await market.civic.store.read_stream(f"payment-{payment_id}")
               if e.type == "payments.PaymentStarted.v1"]
    assert len(started) == 1


async def test_invoices_are_visible_only_to_their_parties(market, token):
    contract_id = await market.open_contract(500_000)
    invoice_id = (await market.invoice(contract_id, total=10_000)).json()["id"]
    other_vendor = token("vendor", vendor="someone-else")
    other_finance = token("finance", agency="another-agency")
    for headers in (other_vendor, other_finance):
        response = await market.client.get(f"{API}/invoices/{invoice_id}", headers=headers)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert (await market.client.get(f"{API}/invoices/{invoice_id}")).status_code == 401
    assert (await market.client.get(f"{API}/invoices/{invoice_id}", headers=market.vendor_headers)).status_code == 200
    # another vendor cannot bill this contract, and the vendor cannot approve its own invoice
    foreign = await market.client.post(f"{API}/contracts/{contract_id}/invoices", headers=other_vendor, json={
        "number": "X-1", "currency": "USD", "total": 100,
        "lines": [{"description": "x", "quantity": 1, "unit_price": 100}],
        "service_period": {"start": "2026-02-01", "end": "2026-02-28"}})
    assert foreign.status_code == 404
    self_approval = await market.client.post(f"{API}/invoices/{invoice_id}/approve", headers=market.vendor_headers)
    assert self_approval.status_code == 403
    listed = await market.client.get(f"{API}/invoices", headers=other_finance)
    assert all(item["agency_id"] == "another-agency" for item in listed.json()["items"])

    async def by_vendor(headers, vendor):
        response = await market.client.get(f"{API}/invoices", params={"vendor": vendor}, headers=headers)
        return [i["id"] for i in response.json()["items"]]

    assert await eventually(lambda: by_vendor(market.finance, market.vendor), what="listed") == [invoice_id]
    assert await by_vendor(market.finance, "someone-else") == []
    assert await by_vendor(other_vendor, market.vendor) == []  # a vendor never lists another's
