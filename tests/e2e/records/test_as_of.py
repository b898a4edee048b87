"""``?as_of=``: the record as it stood at a moment, with the role view of that moment. A
bid sealed then is sealed in the answer, however open it is now."""

from __future__ import annotations

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
from tests.support import eventually

PRICE = 736_251_49


async def test_as_of_before_the_opening_shows_no_bid_content(client, token, civic):
    agency_id, buyer = await new_agency(client, token)
    vendor_id, owner = await bidder(client, token, civic)
    before_solicitation = await now_of(client, token)
    await advance(client, token, 60)
    sol = await published(client, token, buyer, solicitation_type="ITB", criteria=[])
    bid = await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(PRICE, sol), headers=owner)
    assert bid.status_code == 201, bid.text
    bid_id = bid.json()["id"]
    await advance(client, token, 60)
    sealed_then = (await now_of(client, token)).isoformat()
    await advance(client, token, 30 * DAY + 3600 + 60)

    auditor = token("auditor")

    async def opened():
        read = await client.get(f"{API}/bids/{bid_id}", headers=auditor)
        return read if read.status_code == 200 else None

    now = await eventually(opened, what="the bid opened")
    assert now.json()["price"]["amount"] == PRICE

    # As of a moment before the opening: sealed for everyone but its vendor.
    for headers in (auditor, buyer, token("admin")):
        then = await client.get(f"{API}/bids/{bid_id}", params={"as_of": sealed_then}, headers=headers)
        assert then.status_code == 404, then.text
        assert str(PRICE) not in then.text
    own = await client.get(f"{API}/bids/{bid_id}", params={"as_of": sealed_then}, headers=owner)
    assert own.status_code == 200 and own.json()["price"]["amount"] == PRICE

    # The solicitation then: no tabulation, open for bids; now: the public tabulation.
    url = f"{API}/solicitations/{sol['id']}"
    then = await client.get(url, params={"as_of": sealed_then}, headers=buyer)
    assert then.status_code == 200, then.text
    assert str(PRICE) not in then.text and not then.json().get("tabulation")
    assert then.json()["version"] < (await client.get(url, headers=buyer)).json()["version"]
    assert (await client.get(url)).json()["tabulation"][0]["price"]["amount"] == PRICE
    # Before it existed there was nothing to read.
    absent = await client.get(url, params={"as_of": before_solicitation.isoformat()}, headers=buyer)
    assert absent.status_code == 404
    vendor_then = await client.get(f"{API}/vendors/{vendor_id}", headers=token("admin"),
                                   params={"as_of": "2000-01-01T00:00:00Z"})
    assert vendor_then.status_code == 404
    vendor_now = await client.get(f"{API}/vendors/{vendor_id}", headers=token("admin"),
                                  params={"as_of": (await now_of(client, token)).isoformat()})
    assert vendor_now.status_code == 200 and vendor_now.json()["id"] == vendor_id
    # An instant needs its time zone.
    naive = await client.get(url, params={"as_of": "2026-01-01T00:00:00"}, headers=buyer)
    assert naive.status_code == 422 and naive.json()["error"]["details"][0]["field"] == "as_of"
    assert agency_id
