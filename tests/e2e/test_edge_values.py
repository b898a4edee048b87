"""Values at the edges of what the request types accept travel through every projection:
nothing a decider accepted is parked by a read model (the bug class of an amount beyond
int64 that was stored and then silently missing from search and evaluation).

Each case sends the largest (and smallest) accepted amounts, sizes and counts, and the
longest accepted texts, drives the solicitation through its opening (bids unsealed into
the evaluation inputs), waits until every projection has reached the store's head, and
finds no parked event of its streams. Amounts beyond the bounds are refused with 422.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from kernel.limits import JSON_INT_MAX, MAX_AMOUNT, MAX_EMPLOYEES
from tests.e2e.solicitations.helpers import (
    API,
    advance,
    bid_body,
    bidder,
    new_agency,
    now_of,
    solicitation_body,
)
from tests.support import caught_up

EDGES = [
    pytest.param(MAX_AMOUNT, JSON_INT_MAX, "x" * 300, id="largest"),
    pytest.param(1, 0, "x", id="smallest"),
]


async def _parked(civic, stream_ids: list[str]) -> list[tuple[str, str]]:
    rows = await civic.pool.fetch(
        "SELECT p.projection, p.type FROM parked_events p JOIN events e"
        " ON e.event_id::text = p.event_id::text WHERE e.stream_id = ANY($1::text[])", stream_ids)
    return [(r["projection"], r["type"]) for r in rows]


@pytest.mark.parametrize(("amount", "size", "title"), EDGES)
async def test_edge_values_reach_every_read_model(client, token, civic, settings, amount, size, title):
    agency_id, buyer = await new_agency(client, token)
    vendor_id, owner = await bidder(client, token, civic, employees=MAX_EMPLOYEES)
    now = await now_of(client, token)
    body = solicitation_body(now, title=title[:300],
                             estimated_value={"amount": max(amount, 500_000_00), "currency": "USD"},
                             documents=[{"name": "n" * 255, "size_bytes": size,
                                         "sha256": "a" * 64, "url": "https://e.gov/" + "p" * 1900}])
    created = await client.post(f"{API}/solicitations", json=body, headers=buyer)
    assert created.status_code == 201, created.text
    sol = (await client.post(f"{API}/solicitations/{created.json()['id']}/publish", headers=buyer)).json()
    bid = await client.post(f"{API}/solicitations/{sol['id']}/bids", headers=owner, json=bid_body(
        amount, sol, vendor_id=vendor_id, documents=[{"name": "p.pdf", "size_bytes": size}]))
    assert bid.status_code == 201, bid.text
    deadline = now + timedelta(days=30)
    await advance(client, token, (deadline - await now_of(client, token)).total_seconds() + 2 * 3600)
    await caught_up(settings)
    streams = [f"solicitation-{sol['id']}", f"bid-{bid.json()['id']}", f"vendor-{vendor_id}",
               f"agency-{agency_id}"]
    assert await _parked(civic, streams) == []
    read = await client.get(f"{API}/bids/{bid.json()['id']}", headers=buyer)
    assert read.status_code == 200 and read.json()["price"]["amount"] == amount


@pytest.mark.parametrize("amount", [MAX_AMOUNT + 1, 2**63, -1])
async def test_amounts_beyond_the_bounds_are_refused(client, token, amount):
    _, buyer = await new_agency(client, token)
    body = solicitation_body(await now_of(client, token),
                             estimated_value={"amount": amount, "currency": "USD"})
    refused = await client.post(f"{API}/solicitations", json=body, headers=buyer)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["details"][0]["field"].startswith("estimated_value")
