"""Competition for orders above the ordering agency's micro-purchase threshold, over HTTP:
refused without competition, placed with a sole-source justification or after quotes
from enough contract holders (the lowest chosen), with the rule applied on the order."""

from __future__ import annotations

from datetime import timedelta

from events.solicitations import CooperativeStatement
from tests.e2e.marketplace.helpers import API, active_contract, agency, order_body
from tests.e2e.solicitations.helpers import advance, now_of
from tests.support import unique

SALT = "12352301"


def _catalog(price: int) -> tuple:
    return (("salt", "Road salt, bulk", SALT, "ton", price),)


async def test_above_the_micro_purchase_threshold_an_order_needs_quotes_or_a_justification(client, token, civic):
    # federal rules: the micro-purchase threshold is 15,000.00
    buyer_agency, buyer = await agency(client, token)
    holders = []
    for price in (100_00, 95_00, 110_00):
        lead, _ = await agency(client, token)
        vendor_id = unique("v")
        contract_id = await active_contract(civic, lead, vendor_id, catalog=_catalog(price),
                                            cooperative=CooperativeStatement(eligible="all", lead_agency_id=lead))
        joined = await client.post(f"{API}/contracts/{contract_id}/participants", json={}, headers=buyer)
        assert joined.status_code == 201, joined.text
        holders.append((contract_id, vendor_id, token("vendor", vendor=vendor_id)))
    on = (await now_of(client, token)).date() + timedelta(days=10)
    first, cheapest, third = holders

    # under the threshold: a direct order
    small = await client.post(f"{API}/purchase-orders", headers=buyer, json=order_body(first[0], [("salt", 10)], on))
    assert small.status_code == 201 and small.json()["competition"]["rule"] == "direct", small.text
    # above it: refused without competition, and nothing stored
    big = order_body(first[0], [("salt", 200)], on)  # 20,000.00
    refused = await client.post(f"{API}/purchase-orders", headers=buyer, json=big)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "competition_required", refused.text
    assert refused.json()["error"]["details"]["min_quotes"] == 3
    sole = await client.post(f"{API}/purchase-orders", headers=buyer, json=big | {"competition": {
        "justification": "Only this vendor stocks treated salt within 50 miles during the storm"}})
    assert sole.status_code == 201, sole.text
    assert sole.json()["competition"]["rule"] == "sole_source"
    assert sole.json()["competition"]["justification"].startswith("Only this vendor")

    # quotes from the three holders; the lowest is chosen
    now = await now_of(client, token)
    request = await client.post(f"{API}/quote-requests", headers=buyer, json={
        "commodity_code": SALT, "description": "200 tons of treated road salt", "contract_ids": [h[0] for h in holders],
        "due_at": (now + timedelta(hours=2)).isoformat()})
    assert request.status_code == 201, request.text
    rfq = request.json()["id"]
    too_few = await client.post(f"{API}/quote-requests", headers=buyer, json={
        "commodity_code": SALT, "description": "salt", "contract_ids": [first[0]],
        "due_at": (now + timedelta(hours=2)).isoformat()})
    assert too_few.status_code == 422 and too_few.json()["error"]["code"] == "too_few_holders", too_few.text
    for (contract_id, _, vendor), amount in zip(holders, (20_000_00, 19_000_00, 22_000_00), strict=True):
        quoted = await client.post(f"{API}/quote-requests/{rfq}/quotes", headers=vendor, json={
            "contract_id": contract_id, "amount": {"amount": amount, "currency": "USD"}})
        assert quoted.status_code == 201, quoted.text
        # a holder sees its own quote only
        assert [q["contract_id"] for q in quoted.json()["quotes"]] == [contract_id]
    intruder = await client.post(f"{API}/quote-requests/{rfq}/quotes", headers=token("vendor", vendor=unique("v")),
                                 json={"contract_id": first[0], "amount": {"amount": 1, "currency": "USD"}})
    assert intruder.status_code == 404, intruder.text
    seen = (await client.get(f"{API}/quote-requests/{rfq}", headers=buyer)).json()
    assert len(seen["quotes"]) == 3
    with_quotes = {"competition": {"quote_request_id": rfq}}
    early = await client.post(f"{API}/purchase-orders", headers=buyer,
                              json=order_body(cheapest[0], [("salt", 200)], on) | with_quotes)
    assert early.status_code == 409 and early.json()["error"]["code"] == "quotes_open", early.text
    await advance(client, token, 3 * 3600)
    not_lowest = await client.post(f"{API}/purchase-orders", headers=buyer,
                                   json=order_body(first[0], [("salt", 200)], on) | with_quotes)
    assert not_lowest.status_code == 422 and not_lowest.json()["error"]["code"] == "not_lowest", not_lowest.text
    placed = await client.post(f"{API}/purchase-orders", headers=buyer,
                               json=order_body(cheapest[0], [("salt", 200)], on) | with_quotes)
    assert placed.status_code == 201, placed.text
    competition = placed.json()["competition"]
    assert competition["rule"] == "quotes" and competition["quote_request_id"] == rfq
    assert competition["quotes_received"] == 3 and competition["basis"] == "lowest"
    assert "8.405" in competition["citation"]
    # best value instead of the lowest, with its reason
    best = await client.post(f"{API}/purchase-orders", headers=buyer, json=order_body(third[0], [("salt", 150)], on)
                             | {"competition": {"quote_request_id": rfq, "basis": "best_value",
                                                "justification": "delivers within 24 hours"}})
    assert best.status_code == 201 and best.json()["competition"]["basis"] == "best_value", best.text
    assert buyer_agency == placed.json()["agency_id"]
