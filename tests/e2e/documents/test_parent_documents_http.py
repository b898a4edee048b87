"""Vendors, contracts, invoices and protests take documents from their parties, and
only the parties and oversight read them. The contract, invoice and protest facts are
appended as their services would record them."""

from __future__ import annotations

from datetime import date, timedelta

from events.awards import EvaluationStarted, ProtestFiled
from events.base import Metadata, Money
from events.contracts import ContractOpened
from events.invoices import InvoiceSubmitted, ServicePeriod
from services.demo.pdf import tiny_pdf
from tests.e2e.documents.helpers import upload
from tests.e2e.solicitations.helpers import API
from tests.e2e.vendors.helpers import advance, clock_now, register
from tests.support import eventually, unique


async def _append(civic, stream: str, events, agency: str) -> None:
    await civic.clock.refresh()
    await civic.store.append(stream, None, events, Metadata(occurred_at=civic.clock.now(), actor="system",
                                                            actor_role="system", agency=agency))


def _readers(token, agency: str, vendor: str) -> dict[str, dict]:
    return {
        "vendor": token("vendor", sub=unique("v"), vendor=vendor),
        "other vendor": token("vendor", sub=unique("v"), vendor=unique("v")),
        "buyer": token("buyer", sub=unique("b"), agency=agency),
        "other buyer": token("buyer", sub=unique("b"), agency=unique("ag")),
        "finance": token("finance", sub=unique("f"), agency=agency),
        "auditor": token("auditor", sub=unique("a")),
    }


async def _readable_by(client, doc_id: str, callers: dict[str, dict]) -> set[str]:
    return {name for name, headers in callers.items()
            if (await client.get(f"{API}/documents/{doc_id}/content", headers=headers)).status_code == 200}


async def test_vendor_documents_are_the_vendors_and_oversights(client, token):
    vendor, owner = await register(client, token)
    cert = tiny_pdf("Certificate of insurance", ["General liability 2,000,000"])
    sent = await upload(client, owner, "vendors", vendor["id"], cert, kind="insurance_certificate",
                        title="Insurance", expires_on="2027-06-30")
    assert sent.status_code == 201, sent.text
    assert sent.json()["expires_on"] == "2027-06-30"
    bad_date = await upload(client, owner, "vendors", vendor["id"], kind="w9", title="W-9", expires_on="soon")
    assert bad_date.status_code == 422 and bad_date.json()["error"]["details"][0]["field"] == "expires_on"
    stranger = token("vendor", sub=unique("v"))
    assert (await upload(client, stranger, "vendors", vendor["id"], kind="w9", title="W-9")).status_code == 404
    doc_id = sent.json()["id"]
    assert (await client.get(f"{API}/documents/{doc_id}/content", headers=owner)).content == cert
    assert (await client.get(f"{API}/documents/{doc_id}/content", headers=token("admin"))).status_code == 200
    for headers in ({}, stranger, token("buyer", agency=unique("ag"))):
        assert (await client.get(f"{API}/documents/{doc_id}", headers=headers)).status_code in (401, 404)

    async def listed():
        response = await client.get(f"{API}/vendors/{vendor['id']}/documents", headers=owner)
        return response.json()["items"] or None

    assert [d["id"] for d in await eventually(listed, what="the vendor's documents listed")] == [doc_id]


async def test_an_insurance_certificate_expires_on_its_date(client, token):
    vendor, owner = await register(client, token)
    today = date.fromisoformat((await clock_now(client, token))[:10])
    sent = await upload(client, owner, "vendors", vendor["id"], kind="insurance_certificate", title="Insurance",
                        expires_on=(today + timedelta(days=1)).isoformat())
    assert sent.status_code == 201, sent.text
    doc_id = sent.json()["id"]
    assert sent.json()["expired_at"] is None
    await advance(client, token, 86400)  # still valid through its expiry date
    assert (await client.get(f"{API}/documents/{doc_id}", headers=owner)).json()["expired_at"] is None
    await advance(client, token, 86400 + 60)

    async def expired():
        body = (await client.get(f"{API}/documents/{doc_id}", headers=owner)).json()
        return body if body["expired_at"] else None

    assert (await eventually(expired, what="the certificate expired by its timer"))["expires_on"] == sent.json()["expires_on"]

    async def listed():
        items = (await client.get(f"{API}/vendors/{vendor['id']}/documents", headers=owner)).json()["items"]
        return items if items and items[0]["expired_at"] else None

    await eventually(listed, what="the expiry in the list")
    assert (await client.get(f"{API}/documents/{doc_id}/content", headers=owner)).status_code == 200


async def test_contract_and_invoice_documents_are_read_by_their_parties(client, token, civic):
    agency, vendor = unique("ag"), unique("v")
    contract_id, invoice_id = unique("ct"), unique("inv")
    now = civic.clock.now()
    await _append(civic, f"contract-{contract_id}", [ContractOpened(
        contract_id=contract_id, award_id=unique("aw"), solicitation_id=unique("sol"), agency_id=agency,
        vendor_id=vendor, value=Money(amount=100_000_00, currency="USD"), start_date=date(2026, 1, 1),
        end_date=date(2030, 12, 31), terms_ref="terms-v1", requires_receipt=False, opened_at=now)], agency)
    await _append(civic, f"invoice-{invoice_id}", [InvoiceSubmitted(
        invoice_id=invoice_id, contract_id=contract_id, agency_id=agency, vendor_id=vendor, number="INV-1",
        total=Money(amount=1000_00, currency="USD"), received_at=now,
        service_period=ServicePeriod(start=date(2026, 2, 1), end=date(2026, 2, 28)))], agency)
    callers = _readers(token, agency, vendor)

    signed = await upload(client, callers["buyer"], "contracts", contract_id, kind="signed_contract",
                          title="Signed contract")
    assert signed.status_code == 201, signed.text
    amendment = await upload(client, callers["vendor"], "contracts", contract_id, kind="amendment",
                             title="Amendment 1 countersigned")
    assert amendment.status_code == 201, amendment.text
    assert (await upload(client, callers["other vendor"], "contracts", contract_id)).status_code == 404
    expected = {"vendor", "buyer", "finance", "auditor"}
    assert await _readable_by(client, signed.json()["id"], callers) == expected

    pdf = await upload(client, callers["vendor"], "invoices", invoice_id, kind="invoice", title="Invoice PDF")
    assert pdf.status_code == 201, pdf.text
    assert (await upload(client, callers["buyer"], "invoices", invoice_id, kind="invoice")).status_code == 403
    assert await _readable_by(client, pdf.json()["id"], callers) == expected
    listed = await client.get(f"{API}/invoices/{invoice_id}/documents", headers=callers["other buyer"])
    assert listed.status_code == 404


async def test_protest_documents_are_the_protesters_and_the_agencys(client, token, civic):
    agency, vendor, solicitation_id, protest_id = unique("ag"), unique("v"), unique("sol"), unique("pr")
    now = civic.clock.now()
    await _append(civic, f"evaluation-{solicitation_id}", [
        EvaluationStarted(solicitation_id=solicitation_id, agency_id=agency, started_at=now - timedelta(days=3)),
        ProtestFiled(protest_id=protest_id, award_id=unique("aw"), solicitation_id=solicitation_id,
                     vendor_id=vendor, grounds="The price evaluation was wrong", filed_by="v", filed_at=now),
    ], agency)
    callers = _readers(token, agency, vendor)
    letter = await upload(client, callers["vendor"], "protests", protest_id, kind="protest_letter",
                          title="Protest letter")
    assert letter.status_code == 201, letter.text
    answer = await upload(client, callers["buyer"], "protests", protest_id, kind="response", title="Response")
    assert answer.status_code == 201, answer.text
    assert await _readable_by(client, letter.json()["id"], callers) == {"vendor", "buyer", "auditor"}
    missing = await upload(client, callers["vendor"], "protests", unique("pr"), kind="protest_letter")
    assert missing.status_code == 404
