"""Vendors follow commodity codes; publishing records a notice for each follower."""

from __future__ import annotations

from tests.e2e.solicitations.helpers import API, bidder, new_agency, published
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
        return [n for n in found if n["solicitation_id"] == sol["id"] and n["sent_at"]]

    [notice] = await eventually(notices, what="a delivered notice for the follower")
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
