"""The reads and lists of each parent carry their documents: a solicitation's addenda and
answers, a vendor's certifications (and insurance expiry), a contract's amendments, an
invoice, the bids of an evaluation. A document may name the part of its parent it belongs
to; a part the parent does not have is refused with the field named."""

from __future__ import annotations

from datetime import date, timedelta

from events.base import Metadata, Money
from events.contracts import ContractModified, ContractOpened
from events.invoices import InvoiceSubmitted, ServicePeriod
from services.demo.pdf import tiny_pdf
from tests.e2e.documents.helpers import upload
from tests.e2e.solicitations.helpers import API, bidder, new_agency, published
from tests.e2e.vendors.helpers import clock_now, register
from tests.support import eventually, unique


async def _append(civic, stream: str, events, agency: str) -> None:
    await civic.clock.refresh()
    await civic.store.append(stream, None, events, Metadata(occurred_at=civic.clock.now(), actor="system",
                                                            actor_role="system", agency=agency))


async def test_addenda_and_answers_list_their_own_documents(client, token, civic):
    _, buyer = await new_agency(client, token)
    _, vendor = await bidder(client, token, civic)
    sol = await published(client, token, buyer)
    sid = sol["id"]
    addendum = await client.post(f"{API}/solicitations/{sid}/addenda", json={"summary": "Scope clarified"},
                                 headers=buyer)
    assert addendum.status_code in (200, 201), addendum.text
    number = addendum.json()["addenda"][-1]["number"]
    asked = await client.post(f"{API}/solicitations/{sid}/questions", json={"question": "Is on-site work needed?"},
                              headers=vendor)
    assert asked.status_code in (200, 201), asked.text
    question_id = asked.json()["id"]

    revised = await upload(client, buyer, "solicitations", sid, tiny_pdf("Addendum", [f"Addendum {number}"]),
                           kind="addendum", title=f"Addendum {number}", addendum=number)
    assert revised.status_code == 201, revised.text
    assert revised.json()["part"] == f"addendum:{number}"
    newer = await upload(client, buyer, "solicitations", sid, tiny_pdf("Addendum", [f"Addendum {number}, rev. 1"]),
                         kind="addendum", title=f"Addendum {number} rev. 1", addendum=number,
                         supersedes=revised.json()["id"])
    assert newer.status_code == 201, newer.text
    answer = await upload(client, buyer, "solicitations", sid, tiny_pdf("Site map", ["Gate B"]), kind="answer",
                          title="Site map", question=question_id)
    assert answer.status_code == 201, answer.text
    for fields, field in (({"addendum": number + 5}, "addendum"), ({"question": "q-missing"}, "question"),
                          ({"certification": "c1"}, "certification"),
                          ({"addendum": number, "question": question_id}, "question")):
        refused = await upload(client, buyer, "solicitations", sid, kind="addendum", title="Stray", **fields)
        assert refused.status_code == 422, (fields, refused.text)
        assert refused.json()["error"]["details"][0]["field"] == field

    answered = await client.post(f"{API}/solicitations/{sid}/questions/{question_id}/answer",
                                 json={"answer": "Yes, at gate B: see the site map."}, headers=buyer)
    assert answered.status_code in (200, 201), answered.text

    async def listed():
        body = (await client.get(f"{API}/solicitations/{sid}")).json()  # public: no token
        return body if len(body["attachments"]) == 3 else None

    body = await eventually(listed, what="the solicitation's documents")
    [shown] = [a for a in body["addenda"] if a["number"] == number]
    versions = {d["id"]: d for d in shown["attachments"]}
    assert set(versions) == {revised.json()["id"], newer.json()["id"]}
    assert versions[revised.json()["id"]]["superseded_by"] == newer.json()["id"]  # both stay, with dates
    assert all(d["attached_at"] for d in versions.values())
    [question] = [q for q in body["questions"] if q["id"] == question_id]
    assert [d["id"] for d in question["attachments"]] == [answer.json()["id"]]
    content = await client.get(question["attachments"][0]["content_url"])
    assert content.status_code == 200 and b"Gate B" in content.content


async def test_vendor_certifications_and_insurance_are_on_the_vendor(client, token):
    vendor, owner = await register(client, token)
    today = date.fromisoformat((await clock_now(client, token))[:10])
    cert = await client.post(f"{API}/vendors/{vendor['id']}/certifications", headers=owner, json={
        "program": "WBE", "issuing_body": "State of Illinois", "number": unique("WBE"),
        "effective_date": (today - timedelta(days=30)).isoformat(),
        "expiry_date": (today + timedelta(days=300)).isoformat()})
    assert cert.status_code in (200, 201), cert.text
    cert_id = cert.json()["cert_id"]
    evidence = await upload(client, owner, "vendors", vendor["id"], kind="certification_evidence",
                            title="WBE letter", certification=cert_id)
    assert evidence.status_code == 201, evidence.text
    insurance = await upload(client, owner, "vendors", vendor["id"], kind="insurance_certificate",
                             title="Liability insurance", expires_on=(today + timedelta(days=90)).isoformat())
    assert insurance.status_code == 201, insurance.text
    stray = await upload(client, owner, "vendors", vendor["id"], kind="certification_evidence", title="Stray",
                         certification="not-a-cert")
    assert stray.status_code == 422 and stray.json()["error"]["details"][0]["field"] == "certification"

    async def listed():
        body = (await client.get(f"{API}/vendors/{vendor['id']}", headers=owner)).json()
        return body if len(body["attachments"]) == 2 else None

    body = await eventually(listed, what="the vendor's documents on its record")
    [shown] = [c for c in body["certifications"] if c["cert_id"] == cert_id]
    assert [d["id"] for d in shown["attachments"]] == [evidence.json()["id"]]
    [cover] = [d for d in body["attachments"] if d["id"] == insurance.json()["id"]]
    assert cover["kind"] == "insurance_certificate" and cover["expired_at"] is None
    public = (await client.get(f"{API}/vendors/{vendor['id']}")).json()
    assert "attachments" not in public  # the public profile lists none of them


async def test_contracts_amendments_and_invoices_list_their_documents(client, token, civic):
    agency, vendor = unique("ag"), unique("v")
    contract_id, invoice_id = unique("ct"), unique("inv")
    now = civic.clock.now()
    await _append(civic, f"contract-{contract_id}", [
        ContractOpened(contract_id=contract_id, award_id=unique("aw"), solicitation_id=unique("sol"),
                       agency_id=agency, vendor_id=vendor, value=Money(amount=100_000_00, currency="USD"),
                       start_date=date(2026, 1, 1), end_date=date(2030, 12, 31), terms_ref="terms-v1",
                       requires_receipt=False, opened_at=now),
        ContractModified(contract_id=contract_id, number=1, reason="More sites", kind="scope",
                         value=Money(amount=120_000_00, currency="USD"), end_date=date(2030, 12, 31),
                         modified_at=now)], agency)
    await _append(civic, f"invoice-{invoice_id}", [InvoiceSubmitted(
        invoice_id=invoice_id, contract_id=contract_id, agency_id=agency, vendor_id=vendor, number="INV-7",
        total=Money(amount=1000_00, currency="USD"), received_at=now,
        service_period=ServicePeriod(start=date(2026, 2, 1), end=date(2026, 2, 28)))], agency)
    buyer = token("buyer", sub=unique("b"), agency=agency)
    seller = token("vendor", sub=unique("v"), vendor=vendor)

    signed = await upload(client, buyer, "contracts", contract_id, kind="signed_contract", title="Signed contract")
    assert signed.status_code == 201, signed.text
    amendment = await upload(client, seller, "contracts", contract_id, kind="amendment", title="Amendment 1",
                             amendment=1)
    assert amendment.status_code == 201, amendment.text
    stray = await upload(client, seller, "contracts", contract_id, kind="amendment", title="No such", amendment=9)
    assert stray.status_code == 422 and stray.json()["error"]["details"][0]["field"] == "amendment"

    async def listed_on_read():
        body = (await client.get(f"{API}/contracts/{contract_id}", headers=buyer)).json()
        return body if len(body["attachments"]) == 2 else None

    body = await eventually(listed_on_read, what="the contract's documents on its read")
    [first] = [a for a in body["amendments"] if a["number"] == 1]
    assert [d["id"] for d in first["attachments"]] == [amendment.json()["id"]]

    async def listed_in_index():
        rows = (await client.get(f"{API}/contracts", headers=buyer)).json()
        mine = [r for r in rows if r["contract_id"] == contract_id]
        return mine[0] if mine else None

    row = await eventually(listed_in_index, what="the contract in its agency's list")
    assert {d["id"] for d in row["attachments"]} == {signed.json()["id"], amendment.json()["id"]}

    pdf = await upload(client, seller, "invoices", invoice_id, kind="invoice", title="Invoice PDF")
    assert pdf.status_code == 201, pdf.text

    async def on_the_invoice():
        read = (await client.get(f"{API}/invoices/{invoice_id}", headers=seller)).json()
        return read["attachments"] or None

    assert [d["id"] for d in await eventually(on_the_invoice, what="the invoice PDF on the invoice")] == [
        pdf.json()["id"]]

    async def in_the_list():
        page = (await client.get(f"{API}/invoices", headers=buyer, params={"contract": contract_id})).json()
        return page["items"][0] if page["items"] else None

    item = await eventually(in_the_list, what="the invoice in the list")
    assert [d["id"] for d in item["attachments"]] == [pdf.json()["id"]]
