"""A bid's documents are sealed: before the opening only the bidding vendor reads them,
and neither the raw storage nor the database holds their plaintext; after the opening
the agency's buyer and cleared evaluators read them; a withdrawn bid's stay sealed."""

from __future__ import annotations

import hashlib

from services.demo.pdf import tiny_pdf
from tests.e2e.documents.conftest import raw_blobs
from tests.e2e.documents.helpers import upload
from tests.e2e.solicitations.helpers import (
    API,
    DAY,
    advance,
    bid_body,
    bidder,
    cleared_evaluator,
    new_agency,
    published,
)
from tests.support import eventually, unique

SECRET = "heliotrope-sealed-technical-approach"


def _files_containing(root, needles: list[bytes]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {n!r}" for n in needles if n in data]
    return found


async def _rows_containing(civic, needle: str) -> list[str]:
    tables = await civic.pool.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND table_type = 'BASE TABLE'")
    found = []
    for t in tables:
        name = t["table_name"]
        hit = await civic.pool.fetchval(
            f'SELECT count(*) FROM "{name}" AS t WHERE t::text LIKE \'%\' || $1 || \'%\'', needle)
        if hit:
            found.append(name)
    return found


async def test_bid_documents_are_sealed_until_the_opening(client, token, civic, backend):
    agency_id, buyer = await new_agency(client, token)
    vendor_id, owner = await bidder(client, token, civic)
    _, other = await bidder(client, token, civic)
    sol = await published(client, token, buyer)
    bid = await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(100_00, sol), headers=owner)
    assert bid.status_code == 201, bid.text
    bid_id = bid.json()["id"]
    withdrawn = await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(90_00, sol), headers=other)
    assert withdrawn.status_code == 201, withdrawn.text
    withdrawn_id = withdrawn.json()["id"]

    proposal = tiny_pdf("Technical proposal", [SECRET] * 3) + b"x" * 200_000  # several chunks
    sent = await upload(client, owner, "bids", bid_id, proposal, kind="technical_proposal", title="Proposal")
    assert sent.status_code == 201, sent.text
    doc = sent.json()
    assert doc["sealed"] and doc["sha256"] == hashlib.sha256(proposal).hexdigest()
    twice = await upload(client, owner, "bids", bid_id, proposal, kind="technical_proposal", title="Proposal again")
    assert twice.status_code == 201
    kept = await upload(client, other, "bids", withdrawn_id, tiny_pdf("Other proposal", [SECRET]),
                        kind="technical_proposal", title="Other proposal")
    assert kept.status_code == 201
    assert (await client.post(f"{API}/bids/{withdrawn_id}/withdraw", headers=other)).status_code == 200
    after_withdrawal = await upload(client, other, "bids", withdrawn_id, kind="form", title="Late form")
    assert after_withdrawal.status_code == 409 and after_withdrawal.json()["error"]["code"] == "withdrawn"
    intruder = await upload(client, other, "bids", bid_id, kind="form", title="Not mine")
    assert intruder.status_code == 404

    async def on_the_bid():  # the bid's own read lists its documents, for its vendor
        body = (await client.get(f"{API}/bids/{bid_id}", headers=owner)).json()
        return body["attachments"] if len(body["attachments"]) == 2 else None

    attached = await eventually(on_the_bid, what="the bid's documents on the bid")
    assert {a["id"] for a in attached} == {doc["id"], twice.json()["id"]}
    own = await client.get(f"{API}/documents/{doc['id']}/content", headers=owner)
    assert own.status_code == 200 and own.content == proposal
    part = await client.get(f"{API}/documents/{doc['id']}/content", headers=owner | {"Range": "bytes=70000-140000"})
    assert part.status_code == 206 and part.content == proposal[70000:140001]

    evaluator = token("evaluator", sub=unique("e"), agency=agency_id)
    callers = {"anonymous": {}, "buyer": buyer, "evaluator": evaluator, "another vendor": other,
               "auditor": token("auditor", sub=unique("a")), "admin": token("admin")}
    for name, headers in callers.items():
        for path in (f"/documents/{doc['id']}", f"/documents/{doc['id']}/content", f"/bids/{bid_id}/documents"):
            response = await client.get(API + path, headers=headers)
            assert response.status_code in (401, 403, 404), (name, path, response.status_code)
            assert SECRET not in response.text and doc["sha256"] not in response.text

    # raw storage and every table: no plaintext before the opening, and stored once
    root = client.app.state.settings.data_dir / "documents"
    assert _files_containing(root, [SECRET.encode(), proposal[:4000]]) == []
    raw = await raw_blobs(backend)
    assert raw and not [k for k, data in raw.items() if SECRET.encode() in data or proposal[:4000] in data]
    assert await _rows_containing(civic, SECRET) == []
    blobs = list(raw)
    assert hashlib.sha256(proposal).hexdigest() not in blobs  # stored under its ciphertext's hash
    rows = await civic.pool.fetch("SELECT DISTINCT data->>'blob' AS blob FROM events WHERE stream_id = ANY($1)",
                                  [f"document-{doc['id']}", f"document-{twice.json()['id']}"])
    assert len(rows) == 1 and rows[0]["blob"] in blobs

    await advance(client, token, 30 * DAY + 3700)  # past the deadline and the opening time

    async def opened():
        response = await client.get(f"{API}/documents/{doc['id']}/content", headers=buyer)
        return response if response.status_code == 200 else None

    assert (await eventually(opened, what="the buyer reads the opened bid's document")).content == proposal
    cleared = await cleared_evaluator(client, token, buyer, agency_id, sol["id"], [vendor_id])
    by_evaluator = await client.get(f"{API}/documents/{doc['id']}/content", headers=cleared)
    assert by_evaluator.status_code == 200 and by_evaluator.content == proposal
    assert (await client.get(f"{API}/documents/{doc['id']}/content", headers=evaluator)).status_code == 404
    assert (await client.get(f"{API}/documents/{doc['id']}/content")).status_code == 404
    late = await upload(client, owner, "bids", bid_id, kind="form", title="Too late")
    assert late.status_code == 409

    # the withdrawn bid's documents stay sealed for ever: only their vendor reads them
    for headers in (buyer, cleared, token("admin")):
        assert (await client.get(f"{API}/documents/{kept.json()['id']}/content", headers=headers)).status_code == 404
    assert (await client.get(f"{API}/documents/{kept.json()['id']}/content", headers=other)).status_code == 200
