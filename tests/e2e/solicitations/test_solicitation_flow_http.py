"""The whole flow through HTTP: draft, publish, Q&A, addendum, sealed bids, closing and
opening by the clock, unsealing, and the status following the award decision."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.e2e.solicitations.helpers import (
    API,
    DAY,
    advance,
    bid_body,
    bidder,
    cleared_evaluator,
    new_agency,
    now_of,
    published,
    solicitation_body,
)
from tests.support import eventually


async def test_draft_edit_publish_and_role_aware_reads(client, token):
    agency_id, buyer = await new_agency(client, token)
    body = solicitation_body(await now_of(client, token))
    created = await client.post(f"{API}/solicitations", json=body, headers=buyer)
    assert created.status_code == 201, created.text
    sol = created.json()
    assert sol["status"] == "draft" and sol["agency_id"] == agency_id
    assert [c["weight"] for c in sol["criteria"]] == [40, 30, 20, 10]
    assert sol["criteria"][2]["name"] == "AI: risk mitigation and bias testing"
    url = f"{API}/solicitations/{sol['id']}"
    # a draft is the agency's business only
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=token("vendor"))).status_code == 404
    other_buyer = token("buyer", agency="someone-else")
    assert (await client.get(url, headers=other_buyer)).status_code == 404
    assert (await client.patch(url, json={"title": "x"}, headers=other_buyer)).status_code == 404
    edited = await client.patch(url, json={"title": "Adaptive signal timing"}, headers=buyer)
    assert edited.status_code == 200 and edited.json()["title"] == "Adaptive signal timing"
    bad = await client.patch(url, json={"criteria": [{"library_id": "price", "weight": 50}]}, headers=buyer)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "criteria"
    publish = await client.post(f"{url}/publish", headers=buyer)
    assert publish.status_code == 200, publish.text
    assert publish.json()["status"] == "published" and publish.json()["published_at"]
    public = await client.get(url)
    assert public.status_code == 200 and public.json()["title"] == "Adaptive signal timing"
    assert public.json()["bids_received"] is None and public.json()["tabulation"] is None
    late_edit = await client.patch(url, json={"title": "y"}, headers=buyer)
    assert late_edit.status_code == 409 and "addendum" in late_edit.json()["error"]["message"]


async def test_publishing_checks_the_law(client, token):
    _, buyer = await new_agency(client, token)
    now = await now_of(client, token)
    cases = [
        ({"method": "selective"}, "method", "method_below_threshold"),
        ({"solicitation_type": "RFQ"}, "solicitation_type", "formal_procedure_required"),
        ({"submission_deadline": (now + timedelta(days=8)).isoformat(),
          "questions_deadline": (now + timedelta(days=4)).isoformat(),
          "opening_time": (now + timedelta(days=8)).isoformat()},
         "submission_deadline", "open_period_too_short"),
    ]
    for overrides, field, code in cases:
        created = await client.post(f"{API}/solicitations", json=solicitation_body(now, **overrides),
                                    headers=buyer)
        assert created.status_code == 201, created.text
        refused = await client.post(f"{API}/solicitations/{created.json()['id']}/publish", headers=buyer)
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert error["code"] == code and error["details"][0]["field"] == field


async def test_splitting_is_warned_on_publishing(client, token):
    _, buyer = await new_agency(client, token)
    small = dict(solicitation_type="RFQ", method="direct", commodity_codes=["44121600"],
                 estimated_value={"amount": 9_000_00, "currency": "USD"},
                 criteria=[{"library_id": "price", "weight": 100}])
    first = await published(client, token, buyer, **small)
    # other agencies' purchases of the same code warn of duplicates, not of splitting
    assert [w for w in first["warnings"] if "splitting" in w] == []
    second = await published(client, token, buyer, **small)
    splitting = [w for w in second["warnings"] if "splitting" in w]
    assert len(splitting) == 1 and "micro purchase" in splitting[0]


async def test_sealed_bidding_from_submission_to_opening(client, token, civic):
    agency_id, buyer = await new_agency(client, token)
    vendor_a, alice = await bidder(client, token, civic)
    vendor_b, bob = await bidder(client, token, civic)
    sol = await published(client, token, buyer)
    sid = sol["id"]
    url = f"{API}/solicitations/{sid}"

    # questions: anonymous to everyone, answered for all
    asked = await client.post(f"{url}/questions", json={"question": "Is on-premise hosting required?"},
                              headers=alice)
    assert asked.status_code == 201, asked.text
    qid = asked.json()["id"]
    assert all(q["id"] != qid for q in (await client.get(url)).json()["questions"])
    assert all(q["id"] != qid for q in (await client.get(url, headers=bob)).json()["questions"])
    assert [q["id"] for q in (await client.get(url, headers=alice)).json()["questions"]] == [qid]
    assert [q["answer"] for q in (await client.get(url, headers=buyer)).json()["questions"]] == [None]
    answered = await client.post(f"{url}/questions/{qid}/answer", json={"answer": "No, cloud is fine."},
                                 headers=buyer)
    assert answered.status_code == 200, answered.text
    public_questions = (await client.get(url)).json()["questions"]
    assert [q["answer"] for q in public_questions] == ["No, cloud is fine."]
    assert "asked_by" not in public_questions[0]

    # bids: submit, one per vendor, replace
    a = await client.post(f"{url}/bids", json=bid_body(412_345_67, sol), headers=alice)
    assert a.status_code == 201, a.text
    bid_a = a.json()
    assert bid_a["price"]["amount"] == 412_345_67 and bid_a["status"] == "active" and bid_a["sealed"]
    again = await client.post(f"{url}/bids", json=bid_body(1_00, sol), headers=alice)
    assert again.status_code == 409 and again.json()["error"]["code"] == "active_bid_exists"
    replaced = await client.put(f"{API}/bids/{bid_a['id']}", json=bid_body(399_999_00, sol), headers=alice)
    assert replaced.status_code == 200 and replaced.json()["price"]["amount"] == 399_999_00
    b = await client.post(f"{url}/bids", json=bid_body(450_000_00, sol), headers=bob)
    assert b.status_code == 201, b.text
    bid_b = b.json()
    assert (await client.get(url, headers=alice)).json()["my_bids"] == [
        {"bid_id": bid_a["id"], "vendor_id": vendor_a, "status": "active"}]
    assert (await client.get(url, headers=buyer)).json()["my_bids"] is None

    # before the deadline nobody but the bidder sees a bid, or that one exists
    for headers in (buyer, token("admin"), token("auditor"), token("evaluator", agency=agency_id), bob):
        assert (await client.get(f"{API}/bids/{bid_a['id']}", headers=headers)).status_code == 404
    assert (await client.get(url, headers=buyer)).json()["bids_received"] is None
    sealed = await client.get(f"{url}/tabulation", headers=buyer)
    assert sealed.status_code == 409 and sealed.json()["error"]["code"] == "sealed"
    own = await client.get(f"{API}/bids/{bid_a['id']}", headers=alice)
    assert own.status_code == 200 and own.json()["price"]["amount"] == 399_999_00

    # an addendum: Alice acknowledges it, Bob does not
    addendum = await client.post(f"{url}/addenda", json={"summary": "Add a pilot phase",
                                                         "changes": "Section 3.2 rewritten"}, headers=buyer)
    assert addendum.status_code == 201, addendum.text
    assert addendum.json()["latest_addendum"] == 1
    assert (await client.get(f"{API}/bids/{bid_a['id']}", headers=alice)).json()["counts"] is False
    ack = await client.post(f"{API}/bids/{bid_a['id']}/acknowledge-addendum", json={"number": 1}, headers=alice)
    assert ack.status_code == 200 and ack.json()["counts"] is True

    # the deadline passes: closed by the timer, no more changes
    await advance(client, token, 30 * DAY + 60)
    read = (await client.get(url, headers=buyer)).json()
    assert read["status"] == "closed" and read["bids_received"] is True
    assert (await client.get(url)).json()["bids_received"] is None
    late = await client.put(f"{API}/bids/{bid_b['id']}", json=bid_body(1_00, sol), headers=bob)
    assert late.status_code == 409 and "deadline passed" in late.json()["error"]["message"]
    assert (await client.post(f"{API}/bids/{bid_b['id']}/withdraw", headers=bob)).status_code == 409
    assert (await client.get(f"{API}/bids/{bid_a['id']}", headers=buyer)).status_code == 404
    assert (await client.get(f"{url}/tabulation", headers=buyer)).status_code == 409

    # the opening time passes: tabulation for the agency, unsealed bids for evaluation
    await advance(client, token, 3600)
    tab = await client.get(f"{url}/tabulation", headers=buyer)
    assert tab.status_code == 200, tab.text
    rows = {r["vendor_id"]: r for r in tab.json()}
    assert rows[vendor_a]["price"]["amount"] == 399_999_00 and rows[vendor_a]["counts"] is True
    assert rows[vendor_b]["price"]["amount"] == 450_000_00 and rows[vendor_b]["counts"] is False
    assert rows[vendor_a]["vendor_name"]
    assert (await client.get(f"{url}/tabulation")).status_code == 401  # an RFP opening is not public
    assert (await client.get(f"{url}/tabulation", headers=bob)).status_code == 403

    async def unsealed():
        got = await client.get(f"{API}/bids/{bid_b['id']}", headers=buyer)
        return got.json() if got.status_code == 200 else None

    seen = await eventually(unsealed, what="bid unsealed for evaluation")
    assert seen["price"]["amount"] == 450_000_00 and seen["sealed"] is False and seen["counts"] is False
    assert len(seen["responses"]) == 3

    # evaluators read bids only once appointed and cleared of conflicts of interest
    uncleared = token("evaluator", agency=agency_id)
    assert (await client.get(f"{API}/bids/{bid_b['id']}", headers=uncleared)).status_code == 404
    assert (await client.get(f"{url}/tabulation", headers=uncleared)).status_code == 403
    evaluator = await cleared_evaluator(client, token, buyer, agency_id, sid, sorted([vendor_a, vendor_b]))
    as_evaluator = await client.get(f"{API}/bids/{bid_b['id']}", headers=evaluator)
    assert as_evaluator.status_code == 200 and as_evaluator.json()["price"]["amount"] == 450_000_00
    assert (await client.get(f"{url}/tabulation", headers=evaluator)).status_code == 200


async def test_itb_opening_is_public(client, token, civic):
    _, buyer = await new_agency(client, token)
    vendor_id, owner = await bidder(client, token, civic)
    sol = await published(client, token, buyer, solicitation_type="ITB", criteria=[])
    bid = await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(77_000_00, sol), headers=owner)
    assert bid.status_code == 201, bid.text
    assert (await client.get(f"{API}/solicitations/{sol['id']}/tabulation")).status_code == 409
    await advance(client, token, 30 * DAY + 3600 + 60)
    public = await client.get(f"{API}/solicitations/{sol['id']}/tabulation")
    assert public.status_code == 200
    assert [(r["vendor_id"], r["price"]["amount"]) for r in public.json()] == [(vendor_id, 77_000_00)]
    assert (await client.get(f"{API}/solicitations/{sol['id']}")).json()["tabulation"][0]["vendor_id"] == vendor_id


async def test_two_concurrent_submissions_leave_one_active_bid(client, token, civic):
    _, buyer = await new_agency(client, token)
    _, owner = await bidder(client, token, civic)
    sol = await published(client, token, buyer)
    url = f"{API}/solicitations/{sol['id']}/bids"
    first, second = await asyncio.gather(client.post(url, json=bid_body(10_00, sol), headers=owner),
                                         client.post(url, json=bid_body(20_00, sol), headers=owner))
    assert sorted([first.status_code, second.status_code]) == [201, 409]
    winner = first if first.status_code == 201 else second
    stored = await client.get(f"{API}/bids/{winner.json()['id']}", headers=owner)
    assert stored.json()["price"] == winner.json()["price"] and stored.json()["version"] == 1


async def test_withdraw_then_bid_again_and_cancel(client, token, civic):
    _, buyer = await new_agency(client, token)
    _, owner = await bidder(client, token, civic)
    sol = await published(client, token, buyer)
    url = f"{API}/solicitations/{sol['id']}"
    bid = (await client.post(f"{url}/bids", json=bid_body(10_00, sol), headers=owner)).json()
    withdrawn = await client.post(f"{API}/bids/{bid['id']}/withdraw", headers=owner)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["price"] is None
    again = await client.post(f"{url}/bids", json=bid_body(11_00, sol), headers=owner)
    assert again.status_code == 201 and again.json()["id"] == bid["id"]
    cancelled = await client.post(f"{url}/cancel", json={"reason": "Funding withdrawn"}, headers=buyer)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    refused = await client.put(f"{API}/bids/{bid['id']}", json=bid_body(12_00, sol), headers=owner)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "cancelled"


async def test_ineligible_vendors_cannot_bid(client, token, civic):
    _, buyer = await new_agency(client, token)
    sol = await published(client, token, buyer, set_aside="WBE")
    _, owner = await bidder(client, token, civic)
    refused = await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(10_00, sol), headers=owner)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "set_aside"
    stranger = token("vendor")
    nobody = await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(10_00, sol),
                               headers=stranger)
    assert nobody.status_code == 403 and nobody.json()["error"]["code"] == "no_vendor"
    invalid = await client.post(f"{API}/solicitations/{sol['id']}/bids",
                                json=bid_body(10_00, sol, attestations={"no_conflict_of_interest": True,
                                                                        "non_collusion": False}),
                                headers=owner)
    assert invalid.status_code in (403, 422)
