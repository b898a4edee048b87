"""Reading the events table directly before the opening shows no bid content in clear."""

from __future__ import annotations

from tests.e2e.solicitations.helpers import (
    API,
    DAY,
    advance,
    bid_body,
    bidder,
    new_agency,
    published,
)
from tests.support import eventually

PRICE = 987_654_32
SECRET = "xyzzy-confidential-method"


async def _rows_mentioning(civic, needle: str) -> list[str]:
    rows = await civic.pool.fetch("SELECT type FROM events WHERE data::text LIKE '%' || $1 || '%'", needle)
    return [r["type"] for r in rows]


async def test_no_bid_content_in_the_events_table_before_opening(client, token, civic):
    _, buyer = await new_agency(client, token)
    _, owner = await bidder(client, token, civic)
    sol = await published(client, token, buyer)
    body = bid_body(PRICE, sol)
    body["responses"][0]["text"] = SECRET
    bid = await client.post(f"{API}/solicitations/{sol['id']}/bids", json=body, headers=owner)
    assert bid.status_code == 201, bid.text
    replaced = await client.put(f"{API}/bids/{bid.json()['id']}", json=body, headers=owner)
    assert replaced.status_code == 200

    stored = await civic.pool.fetch(
        "SELECT type, data->>'sealed' AS sealed FROM events WHERE stream_id = $1 ORDER BY version",
        f"bid-{bid.json()['id']}")
    assert [r["type"] for r in stored] == ["bids.BidSubmitted.v1", "bids.BidReplaced.v1"]
    assert all(r["sealed"].startswith("v2:1:") for r in stored)  # format 2, key version 1
    assert await _rows_mentioning(civic, str(PRICE)) == []
    assert await _rows_mentioning(civic, SECRET) == []

    await advance(client, token, 30 * DAY + 60)  # closed, not yet opened: still sealed
    assert await _rows_mentioning(civic, str(PRICE)) == []

    await advance(client, token, 3600)

    async def unsealed():
        return "bids.BidUnsealed.v1" in await _rows_mentioning(civic, SECRET)

    await eventually(unsealed, what="the opening to record the unsealed bid")
    assert "solicitations.SolicitationOpened.v1" in await _rows_mentioning(civic, str(PRICE))
