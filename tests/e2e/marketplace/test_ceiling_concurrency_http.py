"""Two orders that together pass a contract's total ceiling, sent at the same moment:
exactly one is placed, the other is refused with what is left, and the refused one
leaves nothing stored."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from events.solicitations import CooperativeStatement
from tests.e2e.marketplace.helpers import API, active_contract, agency, order_body, usd
from tests.support import unique


async def test_exactly_one_of_two_concurrent_orders_passing_the_ceiling_succeeds(client, token, civic):
    lead, lead_buyer = await agency(client, token)
    member, member_buyer = await agency(client, token)
    contract_id = await active_contract(civic, lead, unique("v"), cooperative=CooperativeStatement(
        eligible="all", lead_agency_id=lead, total_ceiling=usd(10_000_00)))
    assert (await client.post(f"{API}/contracts/{contract_id}/participants", json={},
                              headers=member_buyer)).status_code == 201
    await civic.clock.refresh()
    on = civic.clock.now().date() + timedelta(days=7)
    # two orders of 6,000.00 each against a ceiling of 10,000.00
    body = order_body(contract_id, [("laptop-14", 6)], on)
    responses = await asyncio.gather(
        client.post(f"{API}/purchase-orders", headers=lead_buyer, json=body),
        client.post(f"{API}/purchase-orders", headers=member_buyer, json=body))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409], [r.text for r in responses]
    [refused] = [r for r in responses if r.status_code == 409]
    error = refused.json()["error"]
    assert error["code"] == "ceiling_exceeded" and error["details"]["remaining"] == 4_000_00, error
    [placed] = [r.json() for r in responses if r.status_code == 201]
    orders = await civic.pool.fetch("SELECT order_id FROM purchase_orders WHERE contract_id = $1", contract_id)
    assert [o["order_id"] for o in orders] == [placed["id"]]
    committed = await civic.pool.fetchval(
        "SELECT count(*) FROM events WHERE stream_id = $1", f"cooperative-{contract_id}")
    assert committed == 2  # the participation and the one commitment
