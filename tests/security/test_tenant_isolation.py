"""A role is not a licence to everything of that kind: a vendor acts only for its own
business and bids, a buyer only for its own agency. The other tenant gets 403 or 404
(a 404 does not confirm the thing exists), sees only the public view, and nothing of
the other tenant changes."""

from __future__ import annotations

from tests.e2e.solicitations.helpers import (
    API,
    bid_body,
    bidder,
    new_agency,
    now_of,
    published,
    solicitation_body,
)
from tests.e2e.vendors.helpers import register
from tests.support import unique

DENIED = {403, 404}


async def _version(client, path: str, headers) -> int:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["version"]


async def test_a_vendor_cannot_act_for_another_vendor(client, token):
    victim, victim_owner = await register(client, token)
    _, intruder = await register(client, token)
    path = f"{API}/vendors/{victim['id']}"
    before = await _version(client, path, victim_owner)
    attempts = [
        ("PATCH", path, {"dba": "Hijacked"}),
        ("POST", f"{path}/submit", None),
        ("POST", f"{path}/renew", None),
        ("POST", f"{path}/users", {"user": unique("mallory")}),
        ("GET", f"{path}/history", None),
    ]
    for method, url, body in attempts:
        response = await client.request(method, url, headers=intruder, json=body)
        assert response.status_code in DENIED, (method, url, response.text)
    public = await client.get(path, headers=intruder)
    assert public.status_code in (200, 404), public.text  # a draft is not public at all
    assert victim["tax_id"] not in public.text and "contacts" not in public.text
    if public.status_code == 200:
        assert public.json()["view"] == "public"
    assert await _version(client, path, victim_owner) == before, "nothing of the victim changed"


async def test_a_vendor_cannot_read_or_change_another_vendors_bid(client, token, civic):
    _, buyer = await new_agency(client, token)
    _, owner = await bidder(client, token, civic)
    _, rival = await bidder(client, token, civic)
    solicitation = await published(client, token, buyer)
    bid = await client.post(f"{API}/solicitations/{solicitation['id']}/bids",
                            json=bid_body(123_456_78, solicitation), headers=owner)
    assert bid.status_code == 201, bid.text
    bid_path = f"{API}/bids/{bid.json()['id']}"
    for method, url, body in [
        ("GET", bid_path, None),
        ("PUT", bid_path, bid_body(1_00, solicitation)),
        ("POST", f"{bid_path}/withdraw", None),
    ]:
        response = await client.request(method, url, headers=rival, json=body)
        assert response.status_code in DENIED, (method, url, response.text)
    own = await client.get(bid_path, headers=owner)
    assert own.status_code == 200 and "12345678" in own.text, "the rival changed nothing"


async def test_a_buyer_cannot_run_another_agencys_solicitation(client, token):
    _, buyer = await new_agency(client, token)
    _, other_buyer = await new_agency(client, token)
    draft = await client.post(f"{API}/solicitations", headers=buyer,
                              json=solicitation_body(await now_of(client, token)))
    assert draft.status_code == 201, draft.text
    path = f"{API}/solicitations/{draft.json()['id']}"
    assert (await client.get(path, headers=other_buyer)).status_code in DENIED, "drafts are the agency's own"
    for method, url, body in [
        ("PATCH", path, {"title": "Rigged"}),
        ("POST", f"{path}/publish", None),
        ("POST", f"{path}/cancel", {"reason": "sabotage"}),
    ]:
        response = await client.request(method, url, headers=other_buyer, json=body)
        assert response.status_code in DENIED, (method, url, response.text)
    mine = await client.get(path, headers=buyer)
    assert mine.status_code == 200 and mine.json()["status"] == "draft"
    assert mine.json()["title"] != "Rigged"
