"""Vendors follow commodity codes; publishing records a notice for each follower."""

from __future__ import annotations

from datetime import datetime

from tests.e2e.solicitations.helpers import API, bid_body, bidder, new_agency, published
from tests.support import eventually, unique


async def test_publishing_notifies_followers_of_its_codes(client, token, civic):
    code = unique("N")[:12]
    _, follower = await bidder(client, token, civic)
    _, bystander = await bidder(client, token, civic)
    followed = await client.post(f"{API}/follows", json={"commodity_code": code}, headers=follower)
    assert followed.status_code == 201, followed.text
    assert code in followed.json()["commodity_codes"]
    assert code in (await client.get(f"{API}/follows", headers=follower)).json()["commodity_codes"]
    bad = await client.post(f"{API}/follows", json={"commodity_code": "no spaces!"}, headers=follower)
    assert bad.status_code == 422

    _, buyer = await new_agency(client, token)
    sol = await published(client, token, buyer, commodity_codes=[code, "72101500"])

    async def notices():
        found = (await client.get(f"{API}/notices", headers=follower)).json()
        return [n for n in found if n["solicitation_id"] == sol["id"]]

    [notice] = await eventually(notices, what="a notice for the follower")
    assert notice["matched_codes"] == [code] and notice["title"] == sol["title"]
    others = (await client.get(f"{API}/notices", headers=bystander)).json()
    assert all(n["solicitation_id"] != sol["id"] for n in others)

    unfollowed = await client.delete(f"{API}/follows/{code}", headers=follower)
    assert unfollowed.status_code == 200 and code not in unfollowed.json()["commodity_codes"]
    assert (await client.delete(f"{API}/follows/{code}", headers=follower)).status_code == 404
    _, still_following = await bidder(client, token, civic)
    assert (await client.post(f"{API}/follows", json={"commodity_code": code},
                              headers=still_following)).status_code == 201
    later = await published(client, token, buyer, commodity_codes=[code])

    async def recorded_for_the_other_follower():
        found = (await client.get(f"{API}/notices", headers=still_following)).json()
        return [n for n in found if n["solicitation_id"] == later["id"]]

    await eventually(recorded_for_the_other_follower, what="the later publication's notices")
    assert all(n["solicitation_id"] != later["id"]
               for n in (await client.get(f"{API}/notices", headers=follower)).json())


async def test_addenda_and_cancellations_are_announced_to_followers_and_bidders(client, token, civic):
    code = unique("A")[:12]
    _, follower = await bidder(client, token, civic)
    _, bidding = await bidder(client, token, civic)
    _, bystander = await bidder(client, token, civic)
    assert (await client.post(f"{API}/follows", json={"commodity_code": code}, headers=follower)).status_code == 201
    _, buyer = await new_agency(client, token)
    sol = await published(client, token, buyer, commodity_codes=[code])
    bid = await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(50_00, sol), headers=bidding)
    assert bid.status_code == 201, bid.text
    addendum = await client.post(f"{API}/solicitations/{sol['id']}/addenda",
                                 json={"summary": "New delivery address"}, headers=buyer)
    assert addendum.status_code == 201, addendum.text

    def addendum_notices(headers):
        async def check():
            found = (await client.get(f"{API}/notices", headers=headers)).json()
            return [n for n in found if n["solicitation_id"] == sol["id"] and n["kind"] == "addendum"]
        return check

    [to_follower] = await eventually(addendum_notices(follower), what="addendum notice to the follower")
    [to_bidder] = await eventually(addendum_notices(bidding), what="addendum notice to the bidder")
    assert to_follower["addendum_number"] == to_bidder["addendum_number"] == 1
    assert to_follower["matched_codes"] == [code] and to_bidder["matched_codes"] == []
    assert await addendum_notices(bystander)() == []

    cancelled = await client.post(f"{API}/solicitations/{sol['id']}/cancel", json={"reason": "Scope changed"},
                                  headers=buyer)
    assert cancelled.status_code == 200

    async def cancellation():
        found = (await client.get(f"{API}/notices", headers=bidding)).json()
        return [n for n in found if n["solicitation_id"] == sol["id"] and n["kind"] == "cancelled"]

    [notice] = await eventually(cancellation, what="cancellation notice to the bidder")
    assert (datetime.fromisoformat(notice["submission_deadline"])
            == datetime.fromisoformat(addendum.json()["submission_deadline"]))
