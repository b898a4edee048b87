"""The payment audit trail: complete, tamper-evident, rebuildable; finance views and report."""

from __future__ import annotations

import csv
import io

from tests.e2e.payments.conftest import API
from tests.support import eventually


async def _paid_invoice(market, total, *, late_days=0):
    contract_id = await market.open_contract(5_000_000)
    invoice_id = (await market.invoice(contract_id, total=total)).json()["id"]
    await market.client.post(f"{API}/invoices/{invoice_id}/accept", headers=market.finance)
    if late_days:
        await market.client.post(f"{API}/dev/clock", json={"advance_seconds": late_days * 86_400},
                                 headers=market.admin)
    approved = await market.client.post(f"{API}/invoices/{invoice_id}/approve", headers=market.finance)
    [payment_id] = approved.json()["payment_ids"]
    await market.payment(payment_id)
    await market.deliver_outcome(payment_id, "payment_intent.succeeded")
    await market.payment(payment_id, "succeeded")
    return contract_id, invoice_id, payment_id


async def _trail(market, **params):
    response = await market.client.get(f"{API}/payments/audit", params=params, headers=market.finance)
    assert response.status_code == 200, response.text
    return response.json()


async def test_every_money_event_is_in_the_chain_and_tampering_is_detected(market):
    contract_id, invoice_id, payment_id = await _paid_invoice(market, 80_000)
    expected = ["invoices.InvoiceSubmitted.v1", "invoices.InvoiceAccepted.v1",
                "invoices.InvoiceApproved.v1", "payments.PaymentStarted.v1",
                "payments.PaymentSucceeded.v1"]

    async def complete():
        page = await _trail(market, contract=contract_id)
        return page if [e["event_type"] for e in page["items"]] == expected else None

    page = await eventually(complete, what="the audit trail of the contract")
    entries = page["items"]
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["actor_role"] == "vendor" and entries[1]["actor_role"] == "finance"
    assert entries[4]["actor"] == "stripe" and entries[4]["amount"]["amount"] == 80_000
    assert all(e["prev_hash"] == p["hash"] for p, e in zip(entries, entries[1:], strict=False))
    assert [e["event_type"] for e in (await _trail(market, payment=payment_id))["items"]] == expected[3:]
    assert len((await _trail(market, vendor=market.vendor, limit=2))["items"]) == 2

    verify = f"{API}/payments/audit/verify"
    ok = await market.client.get(verify, params={"agency": market.agency}, headers=market.finance)
    assert ok.json()["valid"] is True and ok.json()["entries"] == 5

    await market.civic.pool.execute(
        "UPDATE payment_audit_entries SET amount = 1 WHERE agency_id = $1 AND seq = 3", market.agency)
    broken = (await market.client.get(verify, params={"agency": market.agency}, headers=market.finance)).json()
    assert broken["valid"] is False
    assert broken["first_broken"]["seq"] == 3
    assert broken["first_broken"]["event_id"] == entries[2]["event_id"]

    # a rebuild from the event store reproduces the live chain exactly, and repairs the copy
    await market.civic.runner_for("payment_audit").rebuild()
    rebuilt = (await _trail(market, contract=contract_id))["items"]
    assert [(e["seq"], e["hash"]) for e in rebuilt] == [(e["seq"], e["hash"]) for e in entries]
    again = (await market.client.get(verify, params={"agency": market.agency}, headers=market.finance)).json()
    assert again["valid"] is True


async def test_finance_sees_only_its_agency_and_exports_csv(market, token):
    contract_id, _, _ = await _paid_invoice(market, 12_000)
    await eventually(lambda: _count(market, contract_id, 5), what="trail")
    foreign = await market.client.get(f"{API}/payments/audit", params={"agency": "other"},
                                      headers=market.finance)
    assert foreign.status_code == 403
    vendor = await market.client.get(f"{API}/payments/audit", headers=market.vendor_headers)
    assert vendor.status_code == 403
    other_finance = token("finance", agency="elsewhere")
    hidden = await market.client.get(f"{API}/payments/audit", params={"contract": contract_id},
                                     headers=other_finance)
    assert hidden.json()["items"] == []
    no_agency = token("finance")
    assert (await market.client.get(f"{API}/payments/audit", headers=no_agency)).json()["items"] == []
    assert (await market.client.get(f"{API}/invoices", headers=no_agency)).json()["items"] == []
    # an admin naming no agency verifies every agency's chain
    unnamed = await market.client.get(f"{API}/payments/audit/verify", headers=market.admin)
    assert unnamed.status_code == 200, unnamed.text
    assert unnamed.json()["agency_id"] is None and unnamed.json()["valid"] is True
    assert unnamed.json()["entries"] >= 5
    exported = await market.client.get(f"{API}/payments/audit/export", params={"contract": contract_id},
                                       headers=market.finance)
    assert exported.status_code == 200 and exported.headers["content-type"] == "text/csv; charset=utf-8"
    unstorable = await market.client.get(f"{API}/payments/audit/export", params={"vendor": "a\x00b"},
                                         headers=market.finance)
    assert unstorable.status_code == 422 and unstorable.json()["error"]["code"] == "invalid"
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["seq"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[0]["event_type"] == "invoices.InvoiceSubmitted.v1" and rows[0]["amount"] == "12000"
    bad_window = await market.client.get(f"{API}/payments/audit", headers=market.finance,
                                         params={"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"})
    assert bad_window.status_code == 422


async def _count(market, contract_id, n):
    return len((await _trail(market, contract=contract_id))["items"]) == n


async def test_prompt_payment_report_counts_on_time_and_late_payments(market):
    await _paid_invoice(market, 50_000)
    await _paid_invoice(market, 3_000_000, late_days=40)

    async def report():
        response = await market.client.get(f"{API}/reports/prompt-payment", params={"agency": market.agency},
                                           headers=market.finance)
        body = response.json()
        return body if body["payments"] == 2 else None

    body = await eventually(report, what="two payments in the report")
    assert body["paid_on_time"] == 1 and body["share_on_time"] == 0.5
    [usd] = body["by_currency"]
    assert usd["interest_paid"]["amount"] > 0 and usd["average_days_to_pay"] >= 20
