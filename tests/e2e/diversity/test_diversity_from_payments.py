"""From a certified vendor's paid invoice (vendors, payments and Stripe over HTTP) to the
supplier-diversity report."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.payments.conftest import API, market  # noqa: F401  (the paying agency and its Stripe)
from tests.e2e.solicitations.helpers import now_of
from tests.e2e.vendors.helpers import approved_vendor
from tests.support import eventually


async def test_a_payment_to_a_certified_vendor_counts_for_its_program(market, client, token):  # noqa: F811
    vendor, owner = await approved_vendor(client, token)
    today = (await now_of(client, token)).date()
    cert = {"program": "WBE", "issuing_body": "State", "number": "WBE-77",
            "effective_date": (today - timedelta(days=5)).isoformat(),
            "expiry_date": (today + timedelta(days=300)).isoformat(),
            "documents": [{"name": "c.pdf", "media_type": "application/pdf", "sha256": "ef" * 32, "size": 9}]}
    added = await client.post(f"{API}/vendors/{vendor['id']}/certifications", json=cert, headers=owner)
    assert added.status_code == 201, added.text
    verify = f"{API}/vendors/{vendor['id']}/certifications/{added.json()['cert_id']}/verify"
    assert (await client.post(verify, headers=token("admin"))).status_code == 200

    market.vendor, market.vendor_headers = vendor["id"], owner
    contract_id = await market.open_contract(1_000_000)
    submitted = await market.invoice(contract_id, total=130_000)
    assert submitted.status_code == 201, submitted.text
    invoice_id = submitted.json()["id"]
    assert (await client.post(f"{API}/invoices/{invoice_id}/accept", headers=market.finance)).status_code == 200
    approved = await client.post(f"{API}/invoices/{invoice_id}/approve", headers=market.finance)
    assert approved.status_code == 200, approved.text
    [payment_id] = approved.json()["payment_ids"]
    await market.deliver_outcome(payment_id, "payment_intent.succeeded")
    await market.payment(payment_id, "succeeded")

    period = {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=30)).isoformat()}

    async def reported():
        response = await client.get(f"{API}/reports/supplier-diversity", params=period, headers=market.finance)
        assert response.status_code == 200, response.text
        rows = {r["program"]: r for r in response.json()["rows"]}
        return rows if rows["ALL"]["spend_total"] else None

    rows = await eventually(reported, timeout=60, what="the payment in the diversity report")
    assert rows["WBE"]["spend_certified"] == rows["ALL"]["spend_certified"] == rows["ALL"]["spend_total"] == 130_000
    assert rows["WBE"]["utilization_percent"] == 100.0
    assert rows["MBE"]["spend_certified"] == 0
