"""A blob changed on disk after upload is detected: the download answers a clear error
(never the wrong bytes, never a 500) and ``civic status`` reports it."""

from __future__ import annotations

import os

from infra.cli import status_report
from services.demo.pdf import tiny_pdf
from services.documents.storage import store_of
from tests.e2e.documents.helpers import upload
from tests.e2e.solicitations.helpers import API, new_agency, now_of, solicitation_body
from tests.support import eventually


async def test_a_tampered_blob_is_withheld_and_reported(client, token, settings):
    _, buyer = await new_agency(client, token)
    created = await client.post(f"{API}/solicitations", json=solicitation_body(await now_of(client, token)),
                                headers=buyer)
    sol = created.json()["id"]
    data = tiny_pdf("Evaluation plan", ["tamper target"])
    doc = (await upload(client, buyer, "solicitations", sol, data, kind="other", title="Plan")).json()
    store = store_of(client.app.state.civic)
    path = store.path(doc["sha256"])
    os.chmod(path, 0o640)
    flipped = bytearray(path.read_bytes())
    flipped[len(flipped) // 2] ^= 0x20
    path.write_bytes(bytes(flipped))

    ranged = await client.get(f"{API}/documents/{doc['id']}/content", headers=buyer)
    assert ranged.status_code == 503, ranged.text
    error = ranged.json()["error"]
    assert error["code"] == "document_corrupted" and "hash mismatch" in error["message"]
    # once detected, even a range request is refused
    part = await client.get(f"{API}/documents/{doc['id']}/content", headers=buyer | {"Range": "bytes=0-3"})
    assert part.status_code == 503

    async def listed():  # the verification pass walks the documents' read model
        report = await status_report(client.app.state.settings)
        return report if report["documents"]["blobs"] >= 1 else None

    report = await eventually(listed, what="civic status verifies the blob")
    corrupted = {c["blob"]: c["reason"] for c in report["documents"]["corrupted"]}
    assert corrupted.get(doc["sha256"]) == "hash mismatch"

    path.write_bytes(data)  # repaired: the next verification pass clears it
    report = await status_report(client.app.state.settings)
    assert doc["sha256"] not in {c["blob"] for c in report["documents"]["corrupted"]}
    assert (await client.get(f"{API}/documents/{doc['id']}/content", headers=buyer)).content == data
