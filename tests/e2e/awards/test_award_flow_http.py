"""Opened solicitation -> evaluation -> award -> protest window -> final award -> contract
(opened through the stream) -> signed by both -> active, over HTTP."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tests.support import eventually, unique
from tests.upstream import approved_vendor, exclude, opened_solicitation

API = "/api/v1"
TEN_DAYS = 10 * 86400  # longer than five business days, whatever the weekday


class Parties:
    def __init__(self, token):
        self.agency = unique("ag")
        self.buyer = token("buyer", agency=self.agency)
        self.admin = token("admin")
        self.eva_sub, self.evb_sub = unique("eva"), unique("evb")
        self.eva = token("evaluator", sub=self.eva_sub, agency=self.agency)
        self.evb = token("evaluator", sub=self.evb_sub, agency=self.agency)
        self.vx, self.vy = unique("vx"), unique("vy")
        self.vendor_x = token("vendor", vendor=self.vx)
        self.vendor_y = token("vendor", vendor=self.vy)


async def _evaluation_ready(client, solicitation_id, headers, bids):
    async def ready():
        r = await client.get(f"{API}/solicitations/{solicitation_id}/evaluation", headers=headers)
        return r.status_code == 200 and len(r.json()["bids"]) == bids and r.json()
    return await eventually(ready, what="the opened bids in the evaluation read model")


async def _advance(client, token, seconds):
    r = await client.post(f"{API}/dev/clock", json={"advance_seconds": seconds}, headers=token("admin"))
    assert r.status_code == 200, r.text
    return datetime.fromisoformat(r.json()["now"])


async def _evaluate(client, p, solicitation_id, bid_x, bid_y):
    """Appoint and clear one evaluator, review both bids, score, finalise."""
    r = await client.post(f"{API}/solicitations/{solicitation_id}/evaluators",
                          json={"evaluator": p.eva_sub}, headers=p.buyer)
    assert r.status_code == 201, r.text
    r = await client.post(f"{API}/solicitations/{solicitation_id}/coi-declarations",
                          json={"bidders": [p.vx, p.vy]}, headers=p.eva)
    assert r.status_code == 201 and r.json()["status"] == "cleared", r.text
    for bid in (bid_x, bid_y):
        r = await client.post(f"{API}/bids/{bid}/responsiveness", json={"responsive": True}, headers=p.buyer)
        assert r.status_code == 201, r.text
    for bid, score in ((bid_x, 9), (bid_y, 6)):
        r = await client.post(f"{API}/bids/{bid}/scores", headers=p.eva, json={
            "scores": [{"criterion_id": "tech", "score": score, "comment": "method statement"}]})
        assert r.status_code == 201, r.text
    r = await client.post(f"{API}/solicitations/{solicitation_id}/scores/finalize", headers=p.buyer)
    assert r.status_code == 200, r.text
    return r.json()


async def _recommend(client, p, solicitation_id, now, **extra):
    start = (now + timedelta(days=30)).date()
    r = await client.post(f"{API}/solicitations/{solicitation_id}/award-recommendation", headers=p.buyer,
                          json={"rationale": "highest weighted score", "contract_start": start.isoformat(),
                                "contract_end": (start + timedelta(days=364)).isoformat(),
                                "terms_ref": "GC-2026-07"} | extra)
    assert r.status_code == 201, r.text
    return r.json()


async def test_from_opened_bids_to_an_active_contract(client, token, civic):
    p = Parties(token)
    solicitation_id, (bid_x, bid_y) = await opened_solicitation(
        civic, p.agency, [(p.vx, 10_000_000), (p.vy, 8_000_000)])
    await _evaluation_ready(client, solicitation_id, p.buyer, 2)

    # an evaluator sees nothing before appointment and declaration
    url = f"{API}/solicitations/{solicitation_id}/evaluation"
    r = await client.get(url, headers=p.eva)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_appointed"
    r = await client.post(f"{API}/solicitations/{solicitation_id}/evaluators",
                          json={"evaluator": p.eva_sub}, headers=p.buyer)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "in_progress"
    for attempt in (client.get(url, headers=p.eva),
                    client.post(f"{API}/bids/{bid_x}/scores", headers=p.eva, json={
                        "scores": [{"criterion_id": "tech", "score": 5, "comment": "x"}]})):
        r = await attempt
        assert r.status_code == 403 and r.json()["error"]["code"] == "declaration_required"
        assert "price" not in r.text and "approach of" not in r.text
    r = await client.post(f"{API}/solicitations/{solicitation_id}/coi-declarations",
                          json={"bidders": [p.vx]}, headers=p.eva)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "bidders"
    r = await client.post(f"{API}/solicitations/{solicitation_id}/coi-declarations",
                          json={"bidders": [p.vx, p.vy], "statement": "no links"}, headers=p.eva)
    assert r.status_code == 201 and r.json()["status"] == "cleared"
    seen = (await client.get(url, headers=p.eva)).json()
    assert {b["bid_id"]: b["price"]["amount"] for b in seen["bids"]} == {bid_x: 10_000_000, bid_y: 8_000_000}
    assert seen["tabulation"] is None and seen["evaluators"] is None

    # a second evaluator declares a conflict and is removed
    await client.post(f"{API}/solicitations/{solicitation_id}/evaluators",
                      json={"evaluator": p.evb_sub}, headers=p.buyer)
    r = await client.post(f"{API}/solicitations/{solicitation_id}/coi-declarations",
                          json={"bidders": [p.vx, p.vy], "conflicts": [p.vy]}, headers=p.evb)
    assert r.json()["status"] == "removed"
    assert (await client.get(url, headers=p.evb)).status_code == 403

    # review, score, finalise
    for bid in (bid_x, bid_y):
        r = await client.post(f"{API}/bids/{bid}/responsiveness", json={"responsive": True}, headers=p.buyer)
        assert r.status_code == 201, r.text
    for bid, score in ((bid_x, 9), (bid_y, 6)):
        r = await client.post(f"{API}/bids/{bid}/scores", headers=p.eva, json={
            "scores": [{"criterion_id": "tech", "score": score, "comment": "method statement"}]})
        assert r.status_code == 201, r.text
    r = await client.post(f"{API}/bids/{bid_x}/scores", headers=p.eva,
                          json={"scores": [{"criterion_id": "tech", "score": 11, "comment": "x"}]})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "scores[0].score"
    tab = (await client.get(url, headers=p.buyer)).json()["tabulation"]
    assert {line["bid_id"]: line["total"] for line in tab} == {bid_x: 86.0, bid_y: 76.0}
    final = await client.post(f"{API}/solicitations/{solicitation_id}/scores/finalize", headers=p.buyer)
    assert final.status_code == 200, final.text
    assert [b["bid_id"] for b in final.json()["ranking"]] == [bid_x, bid_y]
    r = await client.post(f"{API}/bids/{bid_y}/scores", headers=p.eva, json={
        "scores": [{"criterion_id": "tech", "score": 10, "comment": "late change"}]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "scores_final"

    # recommendation and notice of intent; a protest during the window
    now = await _advance(client, token, 0)
    award = await _recommend(client, p, solicitation_id, now)
    assert award["status"] == "intent_published" and award["vendor_id"] == p.vx
    assert award["scores"]["total"] == 86.0 and award["rationale"] == "highest weighted score"
    award_id = award["award_id"]
    public = await client.get(f"{API}/awards/{award_id}")
    assert public.status_code == 200 and public.json()["protests"] == []
    listed = await client.get(f"{API}/awards", params={"solicitation_id": solicitation_id})
    assert [a["award_id"] for a in listed.json()] == [award_id]
    missing = await client.get(f"{API}/awards")
    assert missing.status_code == 422 and "solicitation_id" in missing.json()["error"]["message"]
    protest = await client.post(f"{API}/awards/{award_id}/protests", headers=p.vendor_y,
                                json={"grounds": "our price points were computed wrongly"})
    assert protest.status_code == 201, protest.text
    protest_id = protest.json()["protest_id"]
    r = await client.post(f"{API}/awards/{award_id}/finalize", headers=p.buyer)
    assert r.status_code == 409 and r.json()["error"]["code"] == "protest_pending"

    # the window ends (the timer fires with the clock); late protests are refused and the
    # pending one still blocks the final award
    fired = await client.post(f"{API}/dev/clock", json={"advance_seconds": TEN_DAYS}, headers=p.admin)
    assert fired.json()["timers_fired"] >= 1
    r = await client.post(f"{API}/awards/{award_id}/protests", headers=p.vendor_x,
                          json={"grounds": "too late"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "protest_window_closed"
    assert (await client.get(f"{API}/awards/{award_id}")).json()["protest_window_closed"] is True
    r = await client.post(f"{API}/awards/{award_id}/finalize", headers=p.buyer)
    assert r.status_code == 409 and r.json()["error"]["code"] == "protest_pending"

    r = await client.post(f"{API}/protests/{protest_id}/decision", headers=p.admin,
                          json={"outcome": "dismissed", "reason": "the formula was applied as published"})
    assert r.status_code == 200 and r.json()["status"] == "dismissed", r.text
    r = await client.post(f"{API}/awards/{award_id}/finalize", headers=p.buyer,
                          json={"rationale": "protest dismissed; best value"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "final" and r.json()["final"]["rationale"] == "protest dismissed; best value"

    # the contract appears through the stream
    async def contract():
        r = await client.get(f"{API}/contracts", params={"award_id": award_id}, headers=p.buyer)
        return r.json() if r.status_code == 200 and r.json() else None
    [summary] = await eventually(contract, what="the contract of the final award")
    contract_id = summary["id"]
    assert summary["contract_id"] == contract_id  # the old name, kept alongside
    assert summary["status"] == "pending" and summary["value"] == {"amount": 10_000_000, "currency": "USD"}
    r = await client.post(f"{API}/contracts/{contract_id}/sign", headers=p.vendor_x)
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text
    assert (await client.post(f"{API}/contracts/{contract_id}/sign", headers=p.vendor_y)).status_code == 403
    r = await client.post(f"{API}/contracts/{contract_id}/sign", headers=p.buyer)
    assert r.status_code == 200 and r.json()["status"] == "active", r.text
    assert r.json()["id"] == contract_id
    assert {s["party"] for s in r.json()["signatures"]} == {"buyer", "vendor"}
    assert r.json()["terms_ref"] == "GC-2026-07"
    assert (await client.get(f"{API}/contracts/{contract_id}", headers=p.vendor_y)).status_code == 403
    mine = await client.get(f"{API}/contracts", headers=p.vendor_x)
    assert [c["contract_id"] for c in mine.json()] == [contract_id]


async def test_contract_amendments_ratings_and_expiry(client, token, civic):
    p = Parties(token)
    solicitation_id, (bid_x, bid_y) = await opened_solicitation(
        civic, p.agency, [(p.vx, 10_000_000), (p.vy, 8_000_000)])
    await _evaluation_ready(client, solicitation_id, p.buyer, 2)
    await _evaluate(client, p, solicitation_id, bid_x, bid_y)
    now = await _advance(client, token, 0)
    award = await _recommend(client, p, solicitation_id, now, protest_window_business_days=1)
    await _advance(client, token, 4 * 86400)
    assert (await client.post(f"{API}/awards/{award['award_id']}/finalize", headers=p.buyer)).status_code == 200

    async def contract():
        r = await client.get(f"{API}/contracts", params={"award_id": award["award_id"]}, headers=p.admin)
        return r.json()
    [summary] = await eventually(contract, what="the contract")
    url = f"{API}/contracts/{summary['contract_id']}"
    r = await client.post(f"{url}/performance-ratings", headers=p.buyer,
                          json={"quality": 4, "timeliness": 3, "cost_control": 5, "communication": 4})
    assert r.status_code == 409  # not active yet
    await client.post(f"{url}/sign", headers=p.buyer)
    await client.post(f"{url}/sign", headers=p.vendor_x)

    small = await client.post(f"{url}/modifications", headers=p.buyer, json={
        "kind": "value_change", "reason": "additional drainage", "value": {"amount": 11_000_000, "currency": "USD"}})
    assert small.status_code == 201 and small.json()["value"]["amount"] == 11_000_000, small.text
    big = await client.post(f"{url}/modifications", headers=p.buyer, json={
        "kind": "option_exercise", "reason": "phase 2", "value": {"amount": 14_000_000, "currency": "USD"}})
    assert big.status_code == 201 and big.json()["value"]["amount"] == 11_000_000
    assert big.json()["amendments"][-1]["status"] == "awaiting_approval"
    assert (await client.post(f"{url}/modifications/2/approval", headers=p.buyer,
                              json={"approve": True})).status_code == 403
    r = await client.post(f"{url}/modifications/2/approval", headers=p.admin, json={"approve": True})
    assert r.status_code == 200 and r.json()["value"]["amount"] == 14_000_000
    assert [a["number"] for a in r.json()["amendments"]] == [1, 2]
    bad = await client.post(f"{url}/modifications", headers=p.buyer, json={"kind": "whim", "reason": "x"})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "kind"

    rating = await client.post(f"{url}/performance-ratings", headers=p.buyer, json={
        "quality": 4, "timeliness": 2, "cost_control": 5, "communication": 3, "comment": "late start"})
    assert rating.status_code == 201 and rating.json()["average"] == 3.5, rating.text
    bad = await client.post(f"{url}/performance-ratings", headers=p.buyer, json={
        "quality": 6, "timeliness": 2, "cost_control": 5, "communication": 3})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "quality"
    rating_id = rating.json()["rating_id"]
    seen = await client.get(url, headers=p.vendor_x)
    assert seen.json()["ratings"][0]["comment"] == "late start"
    r = await client.post(f"{url}/performance-ratings/{rating_id}/response", headers=p.vendor_x,
                          json={"response": "the site was handed over late"})
    assert r.status_code == 201 and r.json()["response"]["response"] == "the site was handed over late"

    # expiry notices come from timers as the clock passes them, then the term ends
    end = date.fromisoformat(seen.json()["end_date"])
    now = await _advance(client, token, 0)
    await _advance(client, token, ((end - timedelta(days=59)) - now.date()).days * 86400)
    assert (await client.get(url, headers=p.buyer)).json()["expiry_notices"] == [90, 60]
    r = await client.post(f"{url}/terminate", headers=p.buyer, json={"reason": "funding withdrawn"})
    assert r.status_code == 200 and r.json()["status"] == "terminated"
    assert r.json()["ended"]["reason"] == "funding withdrawn"


async def test_an_excluded_vendor_cannot_be_awarded(client, token, civic):
    p = Parties(token)
    name = f"Acme Paving {unique('')}"
    await approved_vendor(civic, p.vx, name)
    solicitation_id, (bid_x, bid_y) = await opened_solicitation(
        civic, p.agency, [(p.vx, 7_000_000), (p.vy, 8_000_000)], kind="ITB")
    await _evaluation_ready(client, solicitation_id, p.buyer, 2)
    for bid in (bid_x, bid_y):
        await client.post(f"{API}/bids/{bid}/responsiveness", json={"responsive": True}, headers=p.buyer)
    r = await client.post(f"{API}/solicitations/{solicitation_id}/scores/finalize", headers=p.buyer)
    assert r.json()["ranking"][0]["bid_id"] == bid_x  # lowest price
    now = await _advance(client, token, 0)
    award = await _recommend(client, p, solicitation_id, now, protest_window_business_days=1)
    await exclude(civic, name)

    async def excluded():
        from services.vendors.facts import vendor_standing
        async with civic.pool.acquire() as conn:
            standing = await vendor_standing(conn, p.vx, civic.clock.now())
        return standing is not None and standing.excluded
    await eventually(excluded, what="the exclusion in the vendor standing")
    await _advance(client, token, 4 * 86400)
    r = await client.post(f"{API}/awards/{award['award_id']}/finalize", headers=p.buyer)
    assert r.status_code == 409 and r.json()["error"]["code"] == "vendor_excluded"


async def test_routes_refuse_strangers_and_unknown_ids(client, token):
    p = Parties(token)
    assert (await client.get(f"{API}/awards/nope")).status_code == 404
    assert (await client.post(f"{API}/protests/nope/decision", headers=p.admin,
                              json={"outcome": "dismissed", "reason": "x"})).status_code == 404
    assert (await client.get(f"{API}/contracts/nope", headers=p.admin)).status_code == 404
    assert (await client.get(f"{API}/solicitations/nope/evaluation", headers=p.buyer)).status_code == 404
    assert (await client.post(f"{API}/bids/nope/scores", headers=p.eva, json={
        "scores": [{"criterion_id": "tech", "score": 1, "comment": "x"}]})).status_code == 404
    assert (await client.get(f"{API}/solicitations/x/evaluation", headers=p.vendor_x)).status_code == 403
    assert (await client.post(f"{API}/solicitations/x/evaluators", json={"evaluator": "e"})).status_code == 401
    r = await client.post(f"{API}/solicitations/x/evaluators", json={"evaluator": "e", "extra": 1},
                          headers=p.buyer)
    assert r.status_code == 422
