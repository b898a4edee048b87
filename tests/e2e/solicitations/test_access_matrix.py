"""Every role on every solicitation and bid endpoint, before the deadline, after it, and
after the opening. Sealed means sealed: before the opening nobody but the bidding vendor
reads a bid or learns how many there are, admins included."""

from __future__ import annotations

from typing import Any

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
from tests.support import eventually

ROLES = ("anonymous", "owner", "other_vendor", "buyer", "other_buyer", "evaluator", "uncleared_evaluator", "admin",
         "auditor", "finance")
# After the opening "evaluator" is appointed and cleared of conflicts; "uncleared_evaluator"
# belongs to the agency but was never appointed.
STAFF = {"buyer", "evaluator", "admin", "auditor"}
KNOW_BIDS_EXIST = STAFF | {"uncleared_evaluator"}


async def _world(client, token, civic) -> dict[str, Any]:
    agency_id, buyer = await new_agency(client, token)
    owner_id, owner = await bidder(client, token, civic)
    _, other = await bidder(client, token, civic)
    sol = await published(client, token, buyer)
    bid = await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(123_456_78, sol), headers=owner)
    assert bid.status_code == 201, bid.text
    headers = {
        "anonymous": {}, "owner": owner, "other_vendor": other, "buyer": buyer,
        "other_buyer": token("buyer", agency="another-agency"), "evaluator": token("evaluator", agency=agency_id),
        "uncleared_evaluator": token("evaluator", agency=agency_id),
        "admin": token("admin"), "auditor": token("auditor"), "finance": token("finance"),
    }
    return {"sol": sol, "bid": bid.json(), "headers": headers, "agency_id": agency_id, "bidders": [owner_id]}


def _expect(role: str, **by_role: int) -> int:
    return by_role.get(role, by_role.get("default", 0))


async def _reads(client, w, phase: str) -> None:
    sol_url = f"{API}/solicitations/{w['sol']['id']}"
    bid_url = f"{API}/bids/{w['bid']['id']}"
    for role in ROLES:
        h = w["headers"][role]
        read = await client.get(sol_url, headers=h)
        assert read.status_code == 200, (phase, role, read.text)
        body = read.json()
        sees_staff_facts = role in KNOW_BIDS_EXIST and phase != "before_deadline"
        assert (body["bids_received"] is True) == sees_staff_facts, (phase, role, body["bids_received"])
        assert (body["tabulation"] is not None) == (role in STAFF and phase == "opened"), (phase, role)

        tab = await client.get(f"{sol_url}/tabulation", headers=h)
        if phase != "opened":
            expected = 409
        else:
            expected = 200 if role in STAFF else 401 if role == "anonymous" else 403
        assert tab.status_code == expected, (phase, role, tab.status_code, tab.text)

        got = await client.get(bid_url, headers=h)
        if role == "anonymous":
            expected = 401
        elif role == "finance":
            expected = 403
        elif role == "owner" or (role in STAFF and phase == "opened"):
            expected = 200
        else:
            expected = 404
        assert got.status_code == expected, (phase, role, got.status_code, got.text)
        if expected == 200:
            assert got.json()["price"]["amount"] == 123_456_78
        else:
            assert "123456" not in got.text


async def _writes(client, w, phase: str) -> None:
    sid, bid_id = w["sol"]["id"], w["bid"]["id"]
    sol_url = f"{API}/solicitations/{sid}"
    open_ = phase == "before_deadline"
    body = bid_body(123_456_78, w["sol"])
    vendor_refusal = dict(anonymous=401, default=403)
    # (method, url, json, expected status by role); the allowed calls are harmless repeats
    calls = [
        ("PUT", f"{API}/bids/{bid_id}", body,
         {**vendor_refusal, "owner": 200 if open_ else 409, "other_vendor": 404}),
        ("POST", f"{API}/bids/{bid_id}/withdraw", None,
         {**vendor_refusal, "owner": None if open_ else 409, "other_vendor": 404}),
        ("POST", f"{API}/bids/{bid_id}/acknowledge-addendum", {"number": 1},
         {**vendor_refusal, "owner": 409, "other_vendor": 404}),
        ("POST", f"{sol_url}/bids", body,
         {**vendor_refusal, "owner": 409, "other_vendor": None if open_ else 409}),
        ("POST", f"{sol_url}/questions", {"question": "Is there a site visit?"},
         {**vendor_refusal, "owner": 201 if open_ else 409, "other_vendor": 201 if open_ else 409}),
        ("POST", f"{sol_url}/addenda", {"summary": "x"},
         {"anonymous": 401, "default": 403, "buyer": None if open_ else 409}),
        ("PATCH", sol_url, {"title": "x"}, {"anonymous": 401, "default": 403, "buyer": 409}),
        ("POST", f"{sol_url}/publish", None, {"anonymous": 401, "default": 403, "buyer": 409}),
        ("POST", f"{sol_url}/questions/q_missing/answer", {"answer": "x"},
         {"anonymous": 401, "default": 403, "buyer": 404}),
        ("POST", f"{sol_url}/cancel", {"reason": "x"}, {"anonymous": 401, "default": 403, "buyer": None}),
    ]
    for method, url, json, expected in calls:
        for role in ROLES:
            status = _expect(role, **expected)
            if status is None:
                continue  # allowed and state-changing: exercised in the flow tests
            response = await client.request(method, url, json=json, headers=w["headers"][role])
            assert response.status_code == status, (phase, method, url, role, response.status_code, response.text)
            if status == 403 and role == "other_buyer" and "buyer" in expected:
                assert response.json()["error"]["code"] == "other_agency"


async def test_access_matrix_before_and_after_the_deadline_and_after_opening(client, token, civic):
    w = await _world(client, token, civic)
    await _reads(client, w, "before_deadline")
    await _writes(client, w, "before_deadline")
    await advance(client, token, 30 * DAY + 60)
    await _reads(client, w, "after_deadline")
    await _writes(client, w, "after_deadline")
    await advance(client, token, 3600)

    async def unsealed():
        got = await client.get(f"{API}/bids/{w['bid']['id']}", headers=w["headers"]["auditor"])
        return got.status_code == 200

    await eventually(unsealed, what="bid unsealed")
    w["headers"]["evaluator"] = await cleared_evaluator(client, token, w["headers"]["buyer"], w["agency_id"],
                                                        w["sol"]["id"], w["bidders"])
    await _reads(client, w, "opened")


async def test_library_follows_and_notices_by_role(client, token, civic):
    _, vendor = await bidder(client, token, civic)
    headers = {"anonymous": {}, "vendor": vendor, "buyer": token("buyer", agency="a"), "evaluator": token("evaluator"),
               "admin": token("admin"), "auditor": token("auditor"), "finance": token("finance")}
    for role, h in headers.items():
        library = await client.get(f"{API}/criteria-library", headers=h)
        assert library.status_code == 200 and len(library.json()) >= 4, role
        expected = 200 if role == "vendor" else 401 if role == "anonymous" else 403
        for method, url, json in [("GET", f"{API}/follows", None), ("GET", f"{API}/notices", None),
                                  ("POST", f"{API}/follows", {"commodity_code": "72101500"}),
                                  ("DELETE", f"{API}/follows/72101500", None)]:
            response = await client.request(method, url, json=json, headers=h)
            want = 201 if (expected == 200 and method == "POST") else expected
            assert response.status_code == want, (role, method, url, response.text)
