"""A records bundle holds every document of the contracting process (the solicitation's,
the bids', the contract's, the invoice's, the protest's), each file's SHA-256 in the signed
manifest; a bid's documents only after the opening, and a withdrawn bid's never."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date

from events.awards import EvaluationStarted, ProtestFiled
from events.base import Metadata, Money
from events.contracts import ContractOpened
from events.invoices import InvoiceSubmitted, ServicePeriod
from services.demo.pdf import tiny_pdf
from services.records.bundle import verify_bundle
from services.records.readmodel import process_of
from tests.e2e.documents.helpers import upload
from tests.e2e.solicitations.helpers import (
    API,
    DAY,
    advance,
    bid_body,
    bidder,
    new_agency,
    published,
)
from tests.support import eventually, unique

SECRET = "marigold-sealed-staffing-plan"
WITHDRAWN_SECRET = "cobalt-withdrawn-proposal"


async def _bundle(client, sid: str, headers) -> bytes:
    response = await client.get(f"{API}/records/processes/{sid}/bundle", headers=headers)
    assert response.status_code == 200, response.text
    return response.content


def _files(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


async def _append(civic, stream: str, events, agency: str) -> None:
    await civic.clock.refresh()
    await civic.store.append(stream, None, events, Metadata(occurred_at=civic.clock.now(), actor="system",
                                                            actor_role="system", agency=agency))


async def _streams_of(civic, sid: str, count: int) -> set[str]:
    async def listed():
        async with civic.pool.acquire() as conn:
            process = await process_of(conn, sid)
        found = {s for s, kind in process.streams if kind in ("document", "bid_document")} if process else set()
        return found if len(found) >= count else None

    return await eventually(listed, what=f"{count} document streams in the process")


async def test_a_bundle_holds_the_process_documents_and_sealed_ones_only_after_the_opening(
        client, token, civic, tmp_path):
    agency_id, buyer = await new_agency(client, token)
    vendor_id, owner = await bidder(client, token, civic)
    _, quitter = await bidder(client, token, civic)
    sol = await published(client, token, buyer)
    sid = sol["id"]
    rfp = tiny_pdf("Request for proposals", ["Scope of work"])
    spec = await upload(client, buyer, "solicitations", sid, rfp, kind="rfp", title="RFP")
    assert spec.status_code == 201, spec.text

    bid = await client.post(f"{API}/solicitations/{sid}/bids", json=bid_body(100_00, sol), headers=owner)
    assert bid.status_code == 201, bid.text
    proposal = tiny_pdf("Technical proposal", [SECRET]) + b"y" * 150_000
    sealed = await upload(client, owner, "bids", bid.json()["id"], proposal, kind="technical_proposal",
                          title="Proposal")
    assert sealed.status_code == 201, sealed.text
    other = await client.post(f"{API}/solicitations/{sid}/bids", json=bid_body(90_00, sol), headers=quitter)
    assert other.status_code == 201, other.text
    dropped = await upload(client, quitter, "bids", other.json()["id"], tiny_pdf("Proposal", [WITHDRAWN_SECRET]),
                           kind="technical_proposal", title="Withdrawn proposal")
    assert dropped.status_code == 201, dropped.text
    assert (await client.post(f"{API}/bids/{other.json()['id']}/withdraw", headers=quitter)).status_code == 200

    # the contract, its invoice and a protest, as their services record them
    contract_id, invoice_id, protest_id = unique("ct"), unique("inv"), unique("pr")
    now = civic.clock.now()
    await _append(civic, f"contract-{contract_id}", [ContractOpened(
        contract_id=contract_id, award_id=unique("aw"), solicitation_id=sid, agency_id=agency_id,
        vendor_id=vendor_id, value=Money(amount=100_00, currency="USD"), start_date=date(2026, 1, 1),
        end_date=date(2030, 12, 31), terms_ref="terms-v1", requires_receipt=False, opened_at=now)], agency_id)
    await _append(civic, f"invoice-{invoice_id}", [InvoiceSubmitted(
        invoice_id=invoice_id, contract_id=contract_id, agency_id=agency_id, vendor_id=vendor_id, number="INV-1",
        total=Money(amount=100_00, currency="USD"), received_at=now,
        service_period=ServicePeriod(start=date(2026, 2, 1), end=date(2026, 2, 28)))], agency_id)
    await _append(civic, f"evaluation-{sid}", [
        EvaluationStarted(solicitation_id=sid, agency_id=agency_id, started_at=now),
        ProtestFiled(protest_id=protest_id, award_id=unique("aw"), solicitation_id=sid, vendor_id=vendor_id,
                     grounds="The evaluation was wrong", filed_by="v", filed_at=now)], agency_id)
    vendor_user = token("vendor", sub=unique("v"), vendor=vendor_id)

    async def attached(parent: str, parent_id: str, headers, **fields):
        async def sent():
            response = await upload(client, headers, parent, parent_id, **fields)
            return response if response.status_code == 201 else None
        return (await eventually(sent, what=f"a document on the {parent}")).json()

    contract_doc = await attached("contracts", contract_id, buyer, kind="signed_contract", title="Signed")
    invoice_doc = await attached("invoices", invoice_id, vendor_user, kind="invoice", title="Invoice PDF")
    protest_doc = await attached("protests", protest_id, vendor_user, kind="protest_letter", title="Letter")
    public = {spec.json()["id"], contract_doc["id"], invoice_doc["id"], protest_doc["id"]}
    await _streams_of(civic, sid, 6)

    before = await _bundle(client, sid, token("auditor"))
    files = _files(before)
    manifest = json.loads(files["manifest.json"])
    assert manifest["bids_sealed"] is True
    assert {d["id"] for d in manifest["documents"]} == public
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    for doc in manifest["documents"]:
        assert listed[doc["path"]] == doc["sha256"] == hashlib.sha256(files[doc["path"]]).hexdigest()
    assert files[f"documents/{spec.json()['id']}/document.pdf"] == rfp
    # nothing of a sealed bid's document: not its bytes, its hash, its stream or its name
    for content in files.values():
        assert SECRET.encode() not in content and WITHDRAWN_SECRET.encode() not in content
        assert sealed.json()["sha256"].encode() not in content
    assert not any(sealed.json()["id"] in name or dropped.json()["id"] in name for name in files)
    assert verify_bundle(before).valid

    await advance(client, token, 30 * DAY + 3700)  # past the deadline and the opening

    async def opened():
        data = await _bundle(client, sid, buyer)
        manifest = json.loads(_files(data)["manifest.json"])
        return data if sealed.json()["id"] in {d["id"] for d in manifest["documents"]} else None

    after = await eventually(opened, what="the opened bid's document in the bundle")
    files = _files(after)
    manifest = json.loads(files["manifest.json"])
    assert manifest["bids_sealed"] is False
    assert {d["id"] for d in manifest["documents"]} == public | {sealed.json()["id"]}
    path = f"documents/{sealed.json()['id']}/document.pdf"
    assert files[path] == proposal  # opened: the plaintext, as its readers download it
    entry = next(d for d in manifest["documents"] if d["id"] == sealed.json()["id"])
    assert entry["sha256"] == hashlib.sha256(proposal).hexdigest() and entry["sealed"] is True
    assert f"events/document-{sealed.json()['id']}.jsonl" in files
    # the withdrawn bid's document stays sealed for ever
    assert not any(dropped.json()["id"] in name for name in files)
    assert not any(WITHDRAWN_SECRET.encode() in content for content in files.values())
    target = tmp_path / "bundle.zip"
    target.write_bytes(after)
    report = verify_bundle(target)
    assert report.valid, report.problems

    # a document changed inside the bundle is named
    altered = io.BytesIO()
    with zipfile.ZipFile(altered, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content.replace(SECRET.encode(), b"x" * len(SECRET)) if name == path else content)
    report = verify_bundle(altered.getvalue())
    assert not report.valid
    assert any(p.startswith(f"{path}: does not match") for p in report.problems)


async def test_a_bundle_with_a_damaged_document_is_withheld(client, token, civic, tmp_path):
    from services.documents.storage import store_of

    agency_id, buyer = await new_agency(client, token)
    sol = await published(client, token, buyer)
    data = tiny_pdf("Specification", [unique("to be damaged")])
    doc = (await upload(client, buyer, "solicitations", sol["id"], data, kind="specification", title="Spec")).json()
    await _streams_of(civic, sol["id"], 1)
    path = store_of(client.app.state.civic).path(doc["sha256"])
    path.chmod(0o640)
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    path.write_bytes(bytes(damaged))
    response = await client.get(f"{API}/records/processes/{sol['id']}/bundle", headers=buyer)
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "document_corrupted"
    path.write_bytes(data)
    assert agency_id
