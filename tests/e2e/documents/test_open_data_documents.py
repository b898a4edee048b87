"""The OCDS feed lists a solicitation's public documents with their download address,
media type, publication date and hash; sealed or infected documents never appear."""

from __future__ import annotations

from projections.ocds import validation
from projections.ocds.process import ocid_for
from services.demo.pdf import tiny_pdf
from tests.e2e.documents.helpers import upload
from tests.e2e.ocds.served import RECORDS, ok, wait_for_release
from tests.e2e.solicitations.helpers import (
    API,
    bid_body,
    bidder,
    new_agency,
    now_of,
    solicitation_body,
)
from tests.support import eventually

SEALED_TITLE = "Sealed proposal of a bidder"


async def test_public_documents_are_in_the_open_data_feed(client, token, civic):
    _, buyer = await new_agency(client, token)
    created = await client.post(f"{API}/solicitations", json=solicitation_body(await now_of(client, token)),
                                headers=buyer)
    sol = created.json()["id"]
    rfp = (await upload(client, buyer, "solicitations", sol, tiny_pdf("RFP"), kind="rfp", title="The RFP")).json()
    published = await client.post(f"{API}/solicitations/{sol}/publish", headers=buyer)
    assert published.status_code == 200, published.text
    ocid = ocid_for(civic.settings.ocid_prefix, sol)
    await wait_for_release(client, ocid, "tender")
    spec = (await upload(client, buyer, "solicitations", sol, b"item,qty\nsignal,12\nloop,40\n",
                         filename="quantities.csv", content_type="text/csv", kind="specification",
                         title="Quantities")).json()
    _, owner = await bidder(client, token, civic)
    sol_body = (await client.get(f"{API}/solicitations/{sol}")).json()
    bid = await client.post(f"{API}/solicitations/{sol}/bids", json=bid_body(5_00, sol_body), headers=owner)
    assert bid.status_code == 201, bid.text
    sealed = await upload(client, owner, "bids", bid.json()["id"], kind="technical_proposal", title=SEALED_TITLE)
    assert sealed.status_code == 201

    record = await wait_for_release(client, ocid, "tenderUpdate")
    docs = {d["id"]: d for d in record["records"][0]["compiledRelease"]["tender"]["documents"]}
    base = client.app.state.settings.base_url
    assert docs[rfp["id"]]["url"] == f"{base}/api/v1/documents/{rfp['id']}/content"
    assert docs[rfp["id"]]["format"] == "application/pdf"
    assert rfp["sha256"] in docs[rfp["id"]]["description"]
    assert docs[rfp["id"]]["datePublished"] == record["records"][0]["compiledRelease"]["tender"]["tenderPeriod"]["startDate"]
    assert docs[spec["id"]]["format"] == "text/csv" and docs[spec["id"]]["documentType"] == "technicalSpecifications"
    assert docs[spec["id"]]["datePublished"].startswith(spec["attached_at"][:19])

    async def settled():  # the sealed document's event has been through the projection too
        rows = await civic.pool.fetchval("SELECT count(*) FROM documents WHERE parent_id = $1",
                                         bid.json()["id"])
        return rows or None

    await eventually(settled, what="the sealed document projected")
    package = await ok(client, f"{RECORDS}/{ocid}")
    assert SEALED_TITLE not in str(package) and sealed.json()["id"] not in str(package)
    assert validation.problems(package) == []
