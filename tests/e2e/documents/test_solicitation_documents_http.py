"""A buyer's solicitation documents: uploaded, versioned, public once published, served
with ranges, ETags and safe file names; checked by content type and size."""

from __future__ import annotations

import hashlib

from services.demo.pdf import tiny_pdf
from services.documents.settings import DocumentSettings
from services.documents.storage import using
from tests.e2e.documents.helpers import upload
from tests.e2e.solicitations.helpers import API, new_agency, now_of, solicitation_body
from tests.support import eventually


async def _draft(client, token, buyer) -> str:
    created = await client.post(f"{API}/solicitations", json=solicitation_body(await now_of(client, token)),
                                headers=buyer)
    assert created.status_code == 201, created.text
    return created.json()["id"]


async def test_solicitation_documents_are_public_once_published_and_versions_stay(client, token, backend):
    _, buyer = await new_agency(client, token)
    sol = await _draft(client, token, buyer)
    rfp = tiny_pdf("Request for proposals", ["Scope: traffic signal analytics"])
    first = await upload(client, buyer, "solicitations", sol, rfp, kind="rfp", title="RFP",
                         filename="../../etc/RFP \"final\";\r\n.pdf")
    assert first.status_code == 201, first.text
    doc = first.json()
    assert doc["sha256"] == hashlib.sha256(rfp).hexdigest() and doc["size"] == len(rfp)
    assert doc["media_type"] == "application/pdf" and doc["scan"] == "unscanned" and not doc["sealed"]
    assert doc["filename"] == 'RFP "final";.pdf'

    # a draft's documents are the agency's until it is published
    assert (await client.get(f"{API}/documents/{doc['id']}")).status_code == 404
    assert (await client.get(f"{API}/documents/{doc['id']}/content")).status_code == 404
    own = await client.get(f"{API}/documents/{doc['id']}/content", headers=buyer)
    assert own.status_code == 200 and own.content == rfp
    assert own.headers["etag"] == f'"{doc["sha256"]}"'
    assert own.headers["content-type"].startswith("application/pdf")
    disposition = own.headers["content-disposition"]
    assert disposition.startswith('inline; filename="RFP _final__.pdf"') and "filename*=UTF-8''RFP%20%22final%22%3B.pdf" in disposition
    assert "\r" not in disposition and "\n" not in disposition

    published = await client.post(f"{API}/solicitations/{sol}/publish", headers=buyer)
    assert published.status_code == 200, published.text
    public = await client.get(f"{API}/documents/{doc['id']}/content")
    assert public.status_code == 200 and public.content == rfp

    ranged = await client.get(f"{API}/documents/{doc['id']}/content", headers={"Range": "bytes=5-14"})
    assert ranged.status_code == 206 and ranged.content == rfp[5:15]
    assert ranged.headers["content-range"] == f"bytes 5-14/{len(rfp)}"
    suffix = await client.get(f"{API}/documents/{doc['id']}/content", headers={"Range": "bytes=-6"})
    assert suffix.status_code == 206 and suffix.content == rfp[-6:]
    beyond = await client.get(f"{API}/documents/{doc['id']}/content", headers={"Range": f"bytes={len(rfp)}-"})
    assert beyond.status_code == 416 and beyond.json()["error"]["code"] == "range_not_satisfiable"
    cached = await client.get(f"{API}/documents/{doc['id']}/content",
                              headers={"If-None-Match": public.headers["etag"]})
    assert cached.status_code == 304 and cached.content == b""

    # an addendum's new version supersedes the first; both stay readable
    revised = tiny_pdf("Request for proposals, revised", ["Addendum 1"])
    second = await upload(client, buyer, "solicitations", sol, revised, kind="addendum", title="RFP rev. 1",
                          supersedes=doc["id"])
    assert second.status_code == 201, second.text
    assert second.json()["supersedes"] == doc["id"]
    old = await client.get(f"{API}/documents/{doc['id']}")
    assert old.status_code == 200 and old.json()["superseded_by"] == second.json()["id"]
    assert (await client.get(f"{API}/documents/{doc['id']}/content")).content == rfp
    again = await upload(client, buyer, "solicitations", sol, revised, kind="addendum", title="RFP rev. 1",
                         supersedes=doc["id"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_superseded"

    async def listed():
        response = await client.get(f"{API}/solicitations/{sol}/documents")
        items = response.json()["items"]
        # the superseding is its own event (another stream, the same transaction): a
        # runner's batch may end between the two
        return items if len(items) == 2 and any(i["superseded_by"] for i in items) else None

    items = await eventually(listed, what="both versions in the list, the first superseded")
    assert [i["id"] for i in items] == [doc["id"], second.json()["id"]]
    assert items[0]["superseded_by"] == second.json()["id"]
    shown = (await client.get(f"{API}/solicitations/{sol}")).json()["attachments"]
    assert [a["id"] for a in shown] == [doc["id"], second.json()["id"]]
    assert shown[1]["content_url"] == f"/api/v1/documents/{second.json()['id']}/content"


async def test_the_same_bytes_are_stored_once(client, token, backend):
    _, buyer = await new_agency(client, token)
    sol = await _draft(client, token, buyer)
    data = tiny_pdf("Specification", ["identical bytes"])
    a = await upload(client, buyer, "solicitations", sol, data, kind="specification", title="Spec")
    b = await upload(client, buyer, "solicitations", sol, data, kind="specification", title="Spec copy")
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]
    sha = hashlib.sha256(data).hexdigest()
    assert [k async for k in backend.keys()] == [sha]


async def test_type_is_detected_from_the_bytes_and_size_is_limited(client, token):
    _, buyer = await new_agency(client, token)
    sol = await _draft(client, token, buyer)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    mismatch = await upload(client, buyer, "solicitations", sol, png, filename="plan.pdf",
                            content_type="application/pdf")
    assert mismatch.status_code == 415
    assert mismatch.json()["error"]["details"]["detected"] == "image/png"
    elf = await upload(client, buyer, "solicitations", sol, b"\x7fELF\x02\x01\x01" + b"\x00" * 100,
                       filename="report.pdf", content_type=None)
    assert elf.status_code == 415 and elf.json()["error"]["details"]["detected"] == "application/octet-stream"
    empty = await upload(client, buyer, "solicitations", sol, b"", content_type=None)
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "empty_file"
    plain = await upload(client, buyer, "solicitations", sol, b"name,price\nA,1\nB,2\n", filename="p.csv",
                         content_type="text/csv")
    assert plain.status_code == 201 and plain.json()["media_type"] == "text/csv"
    wrong_kind = await upload(client, buyer, "solicitations", sol, kind="technical_proposal")
    assert wrong_kind.status_code == 422 and wrong_kind.json()["error"]["details"][0]["field"] == "kind"

    with using(client.app.state.civic, settings=DocumentSettings(max_bytes=2 * 1024 * 1024)):
        big = await upload(client, buyer, "solicitations", sol, b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
        assert big.status_code == 413 and big.json()["error"]["code"] == "payload_too_large"
        # the JSON API's body limit (1 MiB) does not apply to uploads below the file limit
        fits = await upload(client, buyer, "solicitations", sol, b"%PDF-1.4\n" + b"0" * (1536 * 1024))
        assert fits.status_code == 201, fits.text
    spool = client.app.state.settings.data_dir / "documents" / "spool"
    assert list(spool.iterdir()) == []
