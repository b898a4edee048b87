"""Joining a cooperative contract and ordering from its catalog, over HTTP: eligibility,
approval by the lead agency, catalog-priced orders, the vendor's answer, receipts, who
sees what, and refusals that store nothing."""

from __future__ import annotations

import json
from datetime import timedelta

from events.solicitations import CooperativeStatement
from tests.e2e.marketplace.helpers import API, active_contract, agency, order_body, usd
from tests.support import unique


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["code"] == code, body
    return body


async def test_an_eligible_agency_joins_orders_and_receives(client, token, civic):
    lead, lead_buyer = await agency(client, token, "US-TX")
    austin, austin_buyer = await agency(client, token, "US-TX-Austin")
    fresno, fresno_buyer = await agency(client, token, "US-CA-Fresno")
    vendor_id = unique("v")
    vendor = token("vendor", vendor=vendor_id)
    contract_id = await active_contract(civic, lead, vendor_id, cooperative=CooperativeStatement(
        eligible="jurisdictions", jurisdictions=["US-TX"], lead_agency_id=lead,
        participant_ceiling=usd(5_000_00), total_ceiling=usd(8_000_00)))
    participants = f"{API}/contracts/{contract_id}/participants"

    _error(await client.post(participants, json={}, headers=fresno_buyer), 403, "not_eligible")
    _error(await client.post(participants, json={}, headers=lead_buyer), 409, "lead_agency")
    joined = await client.post(participants, json={"note": "laptops for the libraries"}, headers=austin_buyer)
    assert joined.status_code == 201, joined.text
    assert joined.json()["status"] == "approved" and joined.json()["agency_id"] == austin
    _error(await client.post(participants, json={}, headers=austin_buyer), 409, "already_participant")

    await civic.clock.refresh()
    on = civic.clock.now().date() + timedelta(days=14)
    placed = await client.post(f"{API}/purchase-orders", headers=austin_buyer,
                               json=order_body(contract_id, [("laptop-14", 2), ("mouse", 5)], on))
    assert placed.status_code == 201, placed.text
    order = placed.json()
    # priced from the catalog: 2 x 1,000.00 + 5 x 20.00
    assert order["total"] == {"amount": 2_100_00, "currency": "USD"}
    assert [(line["item_id"], line["amount"]["amount"]) for line in order["lines"]] == [
        ("laptop-14", 2_000_00), ("mouse", 100_00)]
    assert order["status"] == "placed" and order["agency_id"] == austin and order["lead_agency_id"] == lead
    url = f"{API}/purchase-orders/{order['id']}"

    # who sees the order: its agency and the vendor; not another agency, not another vendor
    assert (await client.get(url, headers=austin_buyer)).status_code == 200
    assert (await client.get(url, headers=token("finance", agency=austin))).status_code == 200
    assert (await client.get(url, headers=vendor)).status_code == 200
    assert (await client.get(url, headers=fresno_buyer)).status_code == 404
    assert (await client.get(url, headers=token("vendor", vendor=unique("v")))).status_code == 404
    listed = (await client.get(f"{API}/purchase-orders", headers=austin_buyer)).json()["items"]
    assert [o["id"] for o in listed] == [order["id"]]
    assert (await client.get(f"{API}/purchase-orders", headers=fresno_buyer)).json()["items"] == []
    mine = (await client.get(f"{API}/purchase-orders", headers=vendor)).json()["items"]
    assert [o["id"] for o in mine] == [order["id"]]

    # participation: the lead agency sees every participant and its spend; a participant its own
    seen = (await client.get(participants, headers=lead_buyer)).json()
    assert [(p["agency_id"], p["committed"]["amount"], p["note"]) for p in seen["participants"]] == [
        (austin, 2_100_00, "laptops for the libraries")]
    own = (await client.get(participants, headers=austin_buyer)).json()["participants"]
    assert [p["agency_id"] for p in own] == [austin]
    _error(await client.get(participants, headers=fresno_buyer), 403, "not_lead_agency")

    # receipts only once accepted, and never more than was ordered
    receipt = {"lines": [{"item_id": "laptop-14", "quantity": 1}], "received_on": civic.clock.now().date().isoformat()}
    _error(await client.post(f"{url}/receipts", json=receipt, headers=austin_buyer), 409, "order_not_accepted")
    _error(await client.post(f"{url}/accept", headers=token("vendor", vendor=unique("v"))), 404, "not_found")
    accepted = await client.post(f"{url}/accept", headers=vendor)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted", accepted.text
    _error(await client.post(f"{url}/cancel", json={"reason": "changed our mind"}, headers=austin_buyer),
           409, "order_accepted")
    first = await client.post(f"{url}/receipts", json=receipt, headers=austin_buyer)
    assert first.status_code == 201 and first.json()["status"] == "accepted", first.text
    too_many = receipt | {"lines": [{"item_id": "laptop-14", "quantity": 2}]}
    body = _error(await client.post(f"{url}/receipts", json=too_many, headers=austin_buyer), 422, "over_received")
    assert body["details"][0]["field"] == "lines[0].quantity"
    rest = receipt | {"lines": [{"item_id": "laptop-14", "quantity": 1}, {"item_id": "mouse", "quantity": 5}]}
    done = await client.post(f"{url}/receipts", json=rest, headers=austin_buyer)
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "received"
    assert [(line["item_id"], line["received"]) for line in done.json()["lines"]] == [("laptop-14", 2), ("mouse", 5)]
    assert (await client.get(f"{API}/purchase-orders", params={"status": "received"},
                             headers=austin_buyer)).json()["items"][0]["id"] == order["id"]


async def test_a_contract_not_solicited_as_cooperative_can_never_be_joined(client, token, civic):
    lead, _ = await agency(client, token)
    _, other_buyer = await agency(client, token)
    contract_id = await active_contract(civic, lead, unique("v"), cooperative=None)
    body = _error(await client.post(f"{API}/contracts/{contract_id}/participants", json={}, headers=other_buyer),
                  409, "not_cooperative")
    assert "not solicited as cooperative" in body["message"]
    assert (await client.get(f"{API}/marketplace/contracts/{contract_id}")).status_code == 404
    await civic.clock.refresh()
    on = civic.clock.now().date() + timedelta(days=7)
    _error(await client.post(f"{API}/purchase-orders", headers=other_buyer,
                             json=order_body(contract_id, [("mouse", 1)], on)), 409, "not_cooperative")


async def test_bad_orders_name_the_field_and_store_nothing(client, token, civic):
    lead, lead_buyer = await agency(client, token)
    contract_id = await active_contract(civic, lead, unique("v"), cooperative=CooperativeStatement(
        eligible="all", lead_agency_id=lead))
    await civic.clock.refresh()
    on = civic.clock.now().date() + timedelta(days=7)
    cases = [
        (order_body(contract_id, [("mouse", 0)], on), "lines[0].quantity"),
        (order_body(contract_id, [("mouse", 1), ("mouse", 2)], on), "lines[1].item_id"),
        (order_body(contract_id, [("stapler", 1)], on), "lines[0].item_id"),
        (order_body(contract_id, [("mouse", 1)], on, currency="EUR"), "currency"),
        (order_body(contract_id, [("mouse", 1)], on - timedelta(days=30)), "requested_delivery"),
    ]
    for body, field in cases:
        response = await client.post(f"{API}/purchase-orders", headers=lead_buyer, json=body)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert field in error["message"] or any(d.get("field") == field for d in error.get("details") or []), error
    assert (await client.get(f"{API}/purchase-orders", params={"contract_id": contract_id},
                             headers=lead_buyer)).json()["items"] == []
    stored = await civic.pool.fetchval("SELECT count(*) FROM events WHERE stream_id = $1", f"cooperative-{contract_id}")
    assert stored == 0


async def test_approval_ceilings_and_release(client, token, civic):
    lead, lead_buyer = await agency(client, token)
    member, member_buyer = await agency(client, token)
    outsider, _ = await agency(client, token)
    vendor_id = unique("v")
    contract_id = await active_contract(civic, lead, vendor_id, cooperative=CooperativeStatement(
        eligible="agencies", agencies=[member], lead_agency_id=lead, approval_required=True,
        participant_ceiling=usd(3_000_00)))
    participants = f"{API}/contracts/{contract_id}/participants"
    joined = await client.post(participants, json={}, headers=member_buyer)
    assert joined.status_code == 201 and joined.json()["status"] == "pending", joined.text
    await civic.clock.refresh()
    on = civic.clock.now().date() + timedelta(days=7)
    _error(await client.post(f"{API}/purchase-orders", headers=member_buyer,
                             json=order_body(contract_id, [("laptop-14", 1)], on)), 409, "participation_pending")
    _error(await client.post(f"{participants}/{member}/approve", headers=member_buyer), 403, "not_lead_agency")
    approved = await client.post(f"{participants}/{member}/approve", headers=lead_buyer)
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.text
    _error(await client.post(f"{participants}/{outsider}/approve", headers=lead_buyer), 404, "not_found")

    first = await client.post(f"{API}/purchase-orders", headers=member_buyer,
                              json=order_body(contract_id, [("laptop-14", 2)], on))
    assert first.status_code == 201, first.text
    over = _error(await client.post(f"{API}/purchase-orders", headers=member_buyer,
                                    json=order_body(contract_id, [("laptop-14", 1), ("dock", 1)], on)),
                  409, "participant_ceiling_exceeded")
    assert over["details"]["remaining"] == 1_000_00
    # the lead agency is under no participant ceiling
    lead_order = await client.post(f"{API}/purchase-orders", headers=lead_buyer,
                                   json=order_body(contract_id, [("laptop-14", 4)], on))
    assert lead_order.status_code == 201, lead_order.text
    # a cancelled order no longer counts
    cancelled = await client.post(f"{API}/purchase-orders/{first.json()['id']}/cancel", headers=member_buyer,
                                  json={"reason": "bought through another channel"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled", cancelled.text
    again = await client.post(f"{API}/purchase-orders", headers=member_buyer,
                              json=order_body(contract_id, [("laptop-14", 2), ("dock", 2)], on))
    assert again.status_code == 201, again.text
    # the vendor rejects: released too
    rejected = await client.post(f"{API}/purchase-orders/{again.json()['id']}/reject",
                                 headers=token("vendor", vendor=vendor_id), json={"reason": "out of stock"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected", rejected.text
    seen = (await client.get(participants, headers=lead_buyer)).json()["participants"]
    assert [(p["agency_id"], p["status"], p["committed"]["amount"]) for p in seen] == [(member, "approved", 0)]


async def test_orders_split_below_the_micro_purchase_threshold_are_flagged(client, token, civic):
    lead, lead_buyer = await agency(client, token)  # federal rules: micro-purchase threshold 15,000.00
    vendor_id = unique("v")
    contract_id = await active_contract(civic, lead, vendor_id, cooperative=CooperativeStatement(
        eligible="all", lead_agency_id=lead))
    await civic.clock.refresh()
    on = civic.clock.now().date() + timedelta(days=7)
    answers = []
    for _ in range(3):  # three orders of 6,000.00 each
        placed = await client.post(f"{API}/purchase-orders", headers=lead_buyer,
                                   json=order_body(contract_id, [("laptop-14", 6)], on))
        assert placed.status_code == 201, placed.text
        answers.append(placed.json())
    assert [len(a["warnings"]) for a in answers] == [0, 0, 1]
    assert "micro purchase threshold" in answers[2]["warnings"][0]
    stored = await civic.pool.fetchval(
        "SELECT data->'related_order_ids' FROM events WHERE stream_id = $1 AND type LIKE '%OrderSplittingSuspected%'",
        f"purchase-order-{answers[2]['id']}")
    assert sorted(json.loads(stored)) == sorted(a["id"] for a in answers[:2])
    # read again, the warning is on the record
    again = (await client.get(f"{API}/purchase-orders/{answers[2]['id']}", headers=lead_buyer)).json()
    assert again["warnings"] == answers[2]["warnings"]
