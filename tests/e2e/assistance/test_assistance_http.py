"""Assistance through HTTP: suggestions with their reasons, on the record with the decisions."""

from __future__ import annotations

import pytest

from tests.e2e.solicitations.helpers import API, new_agency, published
from tests.e2e.vendors.helpers import approved_vendor
from tests.support import eventually, unique


async def _vendor(client, token, capability: str):
    vendor, owner = await approved_vendor(client, token, legal_name=f"{unique('Firm')} LLC",
                                          capability_statement=capability, commodity_codes=["80161500"])
    return vendor["id"], owner


async def _list(client, path: str, headers, **params):
    response = await client.get(f"{API}/{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _once_visible(client, path: str, headers, **params):
    """The list, or ``None`` while the matching model has not caught up (409, retry)."""
    response = await client.get(f"{API}/{path}", params=params, headers=headers)
    if response.status_code == 409 and response.json()["error"]["code"] == "not_yet_visible":
        assert response.headers["retry-after"] == "1"
        return None
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_buyer_finds_vendors_who_describe_the_work_in_other_words(client, token):
    paving, _ = await _vendor(client, token, "Asphalt overlay, pothole patching and crack sealing of city streets")
    cleaning, _ = await _vendor(client, token, "Nightly janitorial crews, floor waxing and restroom sanitation")
    agency, buyer = await new_agency(client, token)
    sid = (await published(client, token, buyer, title="Arterial road resurfacing program",
                           description="Repaving of residential streets", commodity_codes=["72141103"]))["id"]

    async def suggested():
        found = await _once_visible(client, f"solicitations/{sid}/suggested-vendors", buyer, limit=100)
        if found is None:
            return None
        ids = [i["id"] for i in found["items"]]
        return found if paving in ids and cleaning in ids else None

    found = await eventually(suggested, timeout=60, what="both vendors in the matching model")
    ids = [i["id"] for i in found["items"]]
    assert ids.index(paving) < ids.index(cleaning)
    first = found["items"][ids.index(paving)]
    parts = {p["name"]: p for p in first["parts"]}
    assert parts["text_similarity"]["value"] > parts.get("commodity_code", {"value": 0})["value"]
    assert first["score"] == pytest.approx(sum(p["points"] for p in first["parts"]), abs=1e-3)
    assert found["model"] == "civic-match" and len(found["inputs_hash"]) == 64

    other_buyer = token("buyer", agency=unique("ag"))
    refused = await client.get(f"{API}/solicitations/{sid}/suggested-vendors", headers=other_buyer)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "other_agency"

    body = {"vendor_ids": [paving], "suggestion_id": found["suggestion_id"], "message": "Please bid"}
    invited = await client.post(f"{API}/solicitations/{sid}/invitations", json=body, headers=buyer)
    assert invited.status_code == 201 and invited.json()["invited"] == [paving]
    again = await client.post(f"{API}/solicitations/{sid}/invitations", json=body, headers=buyer)
    assert again.json() == {"solicitation_id": sid, "invited": [], "already_invited": [paving]}
    unknown = await client.post(f"{API}/solicitations/{sid}/invitations", json={"vendor_ids": ["nobody"]},
                                headers=buyer)
    assert unknown.status_code == 422 and unknown.json()["error"]["details"][0]["field"] == "vendor_ids[0]"

    async def on_record():
        record = await _list(client, f"solicitations/{sid}/assistance-record", token("auditor"))
        shown = [s["suggestion_id"] for s in record["suggestions"]]
        return record if record["decisions"] and found["suggestion_id"] in shown else None

    record = await eventually(on_record, timeout=60, what="the invitation on the record")
    assert found["suggestion_id"] in [s["suggestion_id"] for s in record["suggestions"]]
    assert record["decisions"][0]["decision"] == "invited" and record["decisions"][0]["vendor_ids"] == [paving]
    assert record["decisions"][0]["suggestion_id"] == found["suggestion_id"]


async def test_a_vendor_sees_its_opportunities_and_can_say_not_relevant(client, token):
    vendor_id, owner = await _vendor(client, token, "Tree trimming, stump grinding and hazardous tree removal")
    _, buyer = await new_agency(client, token)
    sid = (await published(client, token, buyer, title=f"Street tree maintenance {unique('')}",
                           description="Pruning of park trees", commodity_codes=["70111703"]))["id"]

    async def listed():
        found = await _once_visible(client, f"vendors/{vendor_id}/opportunities", owner, limit=100)
        return found if found and sid in [i["id"] for i in found["items"]] else None

    found = await eventually(listed, timeout=60, what="the solicitation among the vendor's opportunities")
    item = next(i for i in found["items"] if i["id"] == sid)
    assert item["title"].startswith("Street tree maintenance") and item["parts"]

    stranger = token("vendor", sub=unique("stranger"))
    assert (await client.get(f"{API}/vendors/{vendor_id}/opportunities", headers=stranger)).status_code == 403

    said = await client.post(f"{API}/vendors/{vendor_id}/opportunities/{sid}/not-relevant",
                             json={"suggestion_id": found["suggestion_id"], "reason": "we do not climb"},
                             headers=owner)
    assert said.status_code == 201 and said.json()["recorded"] is True

    async def gone():
        now = await _list(client, f"vendors/{vendor_id}/opportunities", owner, limit=100)
        return now if sid not in [i["id"] for i in now["items"]] else None

    await eventually(gone, timeout=60, what="the dismissed solicitation left out")


async def test_similar_purchases_of_other_agencies_and_the_buyers_decision(client, token):
    word = unique("kiosk")
    _, first_buyer = await new_agency(client, token)
    _, second_buyer = await new_agency(client, token)
    theirs = (await published(client, token, first_buyer, title=f"Self-service library {word} terminals",
                              description="Touch screen kiosks for checking out books", commodity_codes=["43211500"]))["id"]
    ours = (await published(client, token, second_buyer, title=f"Library {word} self-checkout stations",
                            description="Kiosk terminals for book loans", commodity_codes=["43211500"]))["id"]

    async def similar():
        found = await _once_visible(client, f"solicitations/{ours}/similar", second_buyer)
        return found if found and theirs in [i["id"] for i in found["items"]] else None

    found = await eventually(similar, timeout=60, what="the other agency's solicitation among similar purchases")
    item = next(i for i in found["items"] if i["id"] == theirs)
    assert item["kind"] == "solicitation" and ours not in [i["id"] for i in found["items"]]

    review = f"{API}/solicitations/{ours}/similar/review"
    bare = await client.post(review, json={"suggestion_id": found["suggestion_id"], "decision": "proceed"},
                             headers=second_buyer)
    assert bare.status_code == 422 and bare.json()["error"]["details"][0]["field"] == "justification"
    done = await client.post(review, json={"suggestion_id": found["suggestion_id"], "decision": "proceed",
                                           "justification": "their contract is not cooperative"},
                             headers=second_buyer)
    assert done.status_code == 201, done.text
    twice = await client.post(review, json={"suggestion_id": found["suggestion_id"], "decision": "withdraw"},
                              headers=second_buyer)
    assert twice.status_code == 409

    async def decided():
        record = await _list(client, f"solicitations/{ours}/assistance-record", second_buyer)
        return record if record["decisions"] else None

    record = await eventually(decided, timeout=60, what="the decision on the record")
    assert record["decisions"][0]["decision"] == "proceed"
    assert record["decisions"][0]["detail"] == "their contract is not cooperative"


async def test_a_bid_declares_whether_ai_tools_helped_write_it(client, token, civic):
    from tests.e2e.solicitations.helpers import bid_body, bidder

    _, buyer = await new_agency(client, token)
    sol = await published(client, token, buyer)
    _, owner = await bidder(client, token, civic)
    attestations = {"no_conflict_of_interest": True, "non_collusion": True, "ai_assisted": True}
    made = await client.post(f"{API}/solicitations/{sol['id']}/bids", headers=owner,
                             json=bid_body(10_00, sol, attestations=attestations))
    assert made.status_code == 201, made.text
    mine = await client.get(f"{API}/bids/{made.json()['id']}", headers=owner)
    assert mine.status_code == 200 and mine.json()["attestations"]["ai_assisted"] is True
    wrong = await client.post(f"{API}/solicitations/{sol['id']}/bids", headers=owner, json=bid_body(
        10_00, sol, attestations={**attestations, "ai_assisted": "maybe"}))
    assert wrong.status_code == 422
