"""The whole procurement over HTTP, every step through the services' own routes:
published solicitation -> sealed bids -> opening -> evaluation -> award -> protest window
-> final award -> contract opened via the stream -> signed by both -> active."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.e2e.solicitations.helpers import (
    API,
    DAY,
    advance,
    bid_body,
    bidder,
    new_agency,
    now_of,
    published,
)
from tests.support import eventually, unique


async def test_published_solicitation_to_active_contract(client, token, civic):
    agency_id, buyer = await new_agency(client, token)
    alice_id, alice = await bidder(client, token, civic)
    bob_id, bob = await bidder(client, token, civic)
    sol = await published(client, token, buyer)
    sid = sol["id"]
    scored = [c for c in sol["criteria"] if not c["is_price"]]
    bids = {}
    for headers, price in ((alice, 400_000_00), (bob, 320_000_00)):
        r = await client.post(f"{API}/solicitations/{sid}/bids", json=bid_body(price, sol), headers=headers)
        assert r.status_code == 201, r.text
        bids[headers["Authorization"]] = r.json()["id"]
    bid_a, bid_b = bids[alice["Authorization"]], bids[bob["Authorization"]]

    # the deadline and the opening pass by the clock
    await advance(client, token, 30 * DAY + 3600 + 60)
    evaluator_sub = unique("eval")
    evaluator = token("evaluator", sub=evaluator_sub, agency=agency_id)
    url = f"{API}/solicitations/{sid}/evaluation"

    async def opened():
        r = await client.get(url, headers=buyer)
        return r.json() if r.status_code == 200 and len(r.json()["bids"]) == 2 else None
    evaluation = await eventually(opened, what="the opened bids reaching the evaluation")
    assert evaluation["status"] == "not_started" and evaluation["basis"] == "highest_score"

    # evaluator: appointed, nothing visible until the declaration
    r = await client.post(f"{API}/solicitations/{sid}/evaluators", json={"evaluator": evaluator_sub},
                          headers=buyer)
    assert r.status_code == 201, r.text
    assert (await client.get(url, headers=evaluator)).status_code == 403
    r = await client.post(f"{API}/solicitations/{sid}/coi-declarations", headers=evaluator,
                          json={"bidders": [alice_id, bob_id], "statement": "no relationship"})
    assert r.status_code == 201 and r.json()["status"] == "cleared", r.text

    async def under_evaluation():
        r = await client.get(f"{API}/solicitations/{sid}", headers=buyer)
        return r.json()["status"] == "under_evaluation"
    await eventually(under_evaluation, what="the solicitation following the evaluation")

    for bid in (bid_a, bid_b):
        r = await client.post(f"{API}/bids/{bid}/responsiveness", json={"responsive": True}, headers=evaluator)
        assert r.status_code == 201, r.text
    for bid, score in ((bid_a, 9), (bid_b, 5)):
        body = {"scores": [{"criterion_id": c["criterion_id"], "score": score, "comment": f"{c['name']} ok"}
                           for c in scored]}
        r = await client.post(f"{API}/bids/{bid}/scores", json=body, headers=evaluator)
        assert r.status_code == 201, r.text
        assert len(r.json()["scores"]) == len(scored)
    final = await client.post(f"{API}/solicitations/{sid}/scores/finalize", headers=buyer,
                              json={"tie_break_rules": ["local_preference", "drawing"]})
    assert final.status_code == 200, final.text
    ranking = final.json()["ranking"]
    # alice: 9/10 x 60 + 320/400 x 40 = 86; bob: 5/10 x 60 + 40 = 70
    assert [(b["bid_id"], b["total"]) for b in ranking] == [(bid_a, 86.0), (bid_b, 70.0)]

    # award: notice of intent, protest window, final
    now = await now_of(client, token)
    start = (now + timedelta(days=14)).date()
    r = await client.post(f"{API}/solicitations/{sid}/award-recommendation", headers=buyer, json={
        "rationale": "highest weighted score", "contract_start": start.isoformat(),
        "contract_end": (start + timedelta(days=365)).isoformat(), "terms_ref": "RFP terms v3"})
    assert r.status_code == 201, r.text
    award = r.json()
    assert award["vendor_id"] == alice_id and award["value"]["amount"] == 400_000_00
    ends = datetime.fromisoformat(award["protest_window_ends"])
    # a federal agency: FAR 33.103(e) leaves 10 days, to the end of the last day (FAR 33.101
    # moves a last day on a weekend or holiday to the next business day)
    assert timedelta(days=10) <= ends - now <= timedelta(days=14)
    compliance = (await client.get(f"{API}/solicitations/{sid}/compliance")).json()
    [protest_rule] = [r for r in compliance["rules"] if r["rule"] == "protest_window"]
    assert "FAR 33.103(e)" in protest_rule["citation"] and protest_rule["pack"] == "US"
    award_url = f"{API}/awards/{award['award_id']}"
    early = await client.post(f"{award_url}/finalize", headers=buyer)
    assert early.status_code == 409 and early.json()["error"]["code"] == "protest_window_open"
    protest = await client.post(f"{award_url}/protests", headers=bob, json={"grounds": "scoring was inconsistent"})
    assert protest.status_code == 201, protest.text
    assert [p["protest_id"] for p in (await client.get(award_url, headers=bob)).json()["protests"]] == [
        protest.json()["protest_id"]]
    assert (await client.get(award_url, headers=alice)).json()["protests"] == []
    withdrawn = await client.post(f"{API}/protests/{protest.json()['protest_id']}/decision", headers=bob,
                                  json={"outcome": "withdrawn", "reason": "debriefing answered it"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn", withdrawn.text

    await advance(client, token, (ends - now).total_seconds() + 60)
    r = await client.post(f"{award_url}/finalize", headers=buyer)
    assert r.status_code == 200 and r.json()["status"] == "final", r.text

    async def awarded():
        r = await client.get(f"{API}/solicitations/{sid}", headers=buyer)
        return r.json()["status"] == "awarded"
    await eventually(awarded, what="the solicitation following the final award")

    # the contract, opened by the stream, signed by both parties
    async def contract():
        r = await client.get(f"{API}/contracts", params={"award_id": award["award_id"]}, headers=alice)
        return r.json() if r.status_code == 200 and r.json() else None
    [summary] = await eventually(contract, what="the contract of the final award")
    curl = f"{API}/contracts/{summary['contract_id']}"
    assert (await client.post(f"{curl}/sign", headers=alice)).json()["status"] == "pending"
    signed = await client.post(f"{curl}/sign", headers=buyer)
    assert signed.status_code == 200, signed.text
    body = signed.json()
    assert body["status"] == "active" and body["vendor_id"] == alice_id and body["agency_id"] == agency_id
    assert body["value"] == {"amount": 400_000_00, "currency": "USD"} and body["start_date"] == start.isoformat()
    assert (await client.get(curl, headers=bob)).status_code == 403
