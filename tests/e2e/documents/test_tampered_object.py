"""An object changed in the S3 bucket after upload is detected like a changed file: its
ETag moves, the download re-verifies it and withholds it with a clear error."""

from __future__ import annotations

import asyncio

from services.demo.pdf import tiny_pdf
from tests.e2e.documents.helpers import upload
from tests.e2e.solicitations.helpers import API, new_agency, now_of, solicitation_body
from tests.support import unique


async def test_a_tampered_object_is_withheld(client, token, backend):
    _, buyer = await new_agency(client, token)
    created = await client.post(f"{API}/solicitations", json=solicitation_body(await now_of(client, token)),
                                headers=buyer)
    sol = created.json()["id"]
    data = tiny_pdf("Evaluation plan", [unique("tamper target")])
    doc = (await upload(client, buyer, "solicitations", sol, data, kind="other", title="Plan")).json()
    first = await client.get(f"{API}/documents/{doc['id']}/content", headers=buyer)
    assert first.status_code == 200 and first.content == data  # verified at upload: served straight

    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0x20
    if backend.name == "s3":
        await asyncio.to_thread(backend._client.put_object, Bucket=backend.bucket, Key=backend.prefix + doc["sha256"],
                                Body=bytes(flipped))
    else:
        path = backend.path(doc["sha256"])
        path.chmod(0o640)
        await asyncio.sleep(0.01)
        path.write_bytes(bytes(flipped))

    response = await client.get(f"{API}/documents/{doc['id']}/content", headers=buyer)
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "document_corrupted"
    assert "hash mismatch" in response.json()["error"]["message"]
    ranged = await client.get(f"{API}/documents/{doc['id']}/content", headers=buyer | {"Range": "bytes=0-3"})
    assert ranged.status_code == 503
