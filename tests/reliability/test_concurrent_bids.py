"""A vendor's client replaying "replace my bid" 100 times at once, with 100 different
prices, through a server process: every accepted replacement is stored exactly once, in
order, none is lost, the rest are refused with 409, and the bid the agency will open is
the last one accepted."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import httpx

from tests.e2e.solicitations.helpers import API, bid_body, bidder, new_agency, published
from tests.reliability import processes
from tests.support import many_requests

CONCURRENT = 100
BASE_PRICE = 700_000_00


async def test_racing_replacements_of_one_bid_are_each_stored_once(client, token, civic, settings, tmp_path):
    _, buyer = await new_agency(client, token)
    _, owner = await bidder(client, token, civic)
    solicitation = await published(client, token, buyer)
    submitted = await client.post(f"{API}/solicitations/{solicitation['id']}/bids",
                                  json=bid_body(BASE_PRICE, solicitation), headers=owner)
    assert submitted.status_code == 201, submitted.text
    bid_id = submitted.json()["id"]

    api = processes.api(settings.with_(data_dir=tmp_path))  # a second process on the same store
    api.start()
    try:
        limits = many_requests(CONCURRENT)
        async with httpx.AsyncClient(base_url=api.base_url, timeout=60, limits=limits) as http:
            responses = await asyncio.gather(*[
                http.put(f"{API}/bids/{bid_id}", headers=owner,
                         json=bid_body(BASE_PRICE + i, solicitation) | {"documents": []})
                for i in range(1, CONCURRENT + 1)])
            final = await http.get(f"{API}/bids/{bid_id}", headers=owner)
    finally:
        api.stop()
    statuses = Counter(r.status_code for r in responses)
    print("racing bid replacements:", dict(statuses))
    assert set(statuses) <= {200, 409}, statuses
    for refused in (r for r in responses if r.status_code == 409):
        assert refused.json()["error"]["code"] in {"version_conflict", "conflict"}, refused.text
    stream = await civic.store.read_stream(f"bid-{bid_id}")
    replacements = [e for e in stream if e.type == "bids.BidReplaced.v1"]
    assert len(replacements) == statuses[200], "each accepted replacement stored once, none lost"
    assert [e.version for e in stream] == list(range(1, len(stream) + 1))
    sent = {id(r): json.loads(r.request.content)["price"]["amount"] for r in responses}
    accepted = {sent[id(r)] for r in responses if r.status_code == 200}
    refused = {sent[id(r)] for r in responses if r.status_code == 409}
    assert final.status_code == 200
    kept = final.json()["price"]["amount"]
    assert kept in accepted and kept not in refused, "the bid kept is an accepted replacement"
