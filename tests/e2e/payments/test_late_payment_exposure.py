"""Late-payment exposure over HTTP: an overdue invoice shows the interest it has accrued, the
prompt-payment report lists it per agency, and paying it today costs exactly that."""

from __future__ import annotations

from datetime import date

from tests.e2e.payments.conftest import API
from tests.support import eventually

DAY = 86_400


async def test_an_overdue_invoice_shows_accrued_interest_and_is_outstanding_until_paid(market, token):
    contract_id = await market.open_contract(5_000_000)
    invoice = (await market.invoice(contract_id, total=2_000_000)).json()
    accepted = (await market.client.post(f"{API}/invoices/{invoice['id']}/accept", headers=market.finance)).json()
    assert accepted["status"] == "accepted"
    on_time = (await market.client.get(f"{API}/invoices/{invoice['id']}", headers=market.finance)).json()
    assert on_time["accrued_interest"] is None and on_time["accrued_through"] is None

    moved = await market.client.post(f"{API}/dev/clock", json={"advance_seconds": 45 * DAY}, headers=market.admin)
    today = date.fromisoformat(moved.json()["now"][:10])
    due = date.fromisoformat(accepted["due_date"])
    assert (today - due).days >= 14
    read = (await market.client.get(f"{API}/invoices/{invoice['id']}", headers=market.vendor_headers)).json()
    accrued = read["accrued_interest"]
    assert read["accrued_through"] == today.isoformat()
    assert accrued["currency"] == "USD" and accrued["amount"] > 100

    async def outstanding():
        response = await market.client.get(f"{API}/reports/prompt-payment", headers=market.finance)
        assert response.status_code == 200, response.text
        body = response.json()["outstanding"]
        return body if any(i["invoice_id"] == invoice["id"] for i in body["items"]) else None

    report = await eventually(outstanding, what="the invoice outstanding in the report")
    [mine] = [a for a in report["by_agency"] if a["agency_id"] == market.agency]
    assert (mine["invoices"], mine["unpaid"], mine["accrued_interest"]) == (1, {"amount": 2_000_000, "currency": "USD"},
                                                                            accrued)
    assert mine["oldest_due_date"] == due.isoformat()
    [item] = [i for i in report["items"] if i["invoice_id"] == invoice["id"]]
    assert (item["days_overdue"], item["as_of"]) == ((today - due).days, today.isoformat())
    # another agency's finance staff see none of it
    other = await market.client.get(f"{API}/reports/prompt-payment", headers=token("finance", agency="elsewhere"))
    assert invoice["id"] not in other.text

    approved = await market.client.post(f"{API}/invoices/{invoice['id']}/approve", headers=market.finance)
    [payment_id] = approved.json()["payment_ids"]
    payment = await market.payment(payment_id)
    assert payment["interest"] == accrued  # paying today costs what the invoice said it had accrued
