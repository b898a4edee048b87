"""Two tenants of each kind for the cross-tenant matrix: agency B and vendor B own one of
every resource a route can name by id (vendor record, draft and published solicitations,
a question, a sealed bid, an evaluation, an award with a pending protest, an active
contract with a rating, an invoice and its payment, a webhook subscription); agency A and vendor A are the
intruders, each with its own real records so their tokens pass every "who are you" check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from events.solicitations import CooperativeStatement
from tests.e2e.documents.helpers import upload
from tests.e2e.marketplace.helpers import active_contract, order_body
from tests.e2e.solicitations.helpers import (
    API,
    bid_body,
    bidder,
    new_agency,
    now_of,
    published,
    solicitation_body,
)
from tests.reliability.consistency import wait_caught_up
from tests.support import eventually, unique
from tests.upstream import opened_solicitation

SALT = (("salt", "Road salt, bulk", "12352301", "ton", 90_00),)


@dataclass
class Tenants:
    ids: dict[str, str] = field(default_factory=dict)
    #: the victims' own headers, for the control reads
    owners: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the intruders, by role
    intruders: dict[str, dict[str, str]] = field(default_factory=dict)
    #: streams whose versions must not move while the intruders try
    streams: list[str] = field(default_factory=list)


async def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def build(client: Any, token: Any, civic: Any) -> Tenants:
    t = Tenants()
    admin = token("admin")
    # agency B and its staff
    agency_b, buyer_b = await new_agency(client, token)
    finance_b = token("finance", sub=unique("fin"), agency=agency_b)
    # vendor B: a real, approved vendor that bids, and a rival bidder for the award
    vendor_b, owner_b = await bidder(client, token, civic)
    rival, rival_owner = await bidder(client, token, civic)
    t.owners.update(buyer=buyer_b, finance=finance_b, vendor=owner_b)

    draft = await _ok(await client.post(f"{API}/solicitations", headers=buyer_b,
                                        json=solicitation_body(await now_of(client, token))), 201)
    open_sol = await published(client, token, buyer_b)
    question = await _ok(await client.post(f"{API}/solicitations/{open_sol['id']}/questions", headers=owner_b,
                                           json={"question": "May we bid in consortium?"}), 201)
    bid = await _ok(await client.post(f"{API}/solicitations/{open_sol['id']}/bids", headers=owner_b,
                                      json=bid_body(55_555_55, open_sol)), 201)

    # two opened solicitations of agency B, evaluated and recommended: one award with a
    # pending protest, one final (its contract is signed, rated, invoiced and paid)
    evaluator_sub = unique("eva")
    evaluator_b = token("evaluator", sub=evaluator_sub, agency=agency_b)
    start = (await now_of(client, token) + timedelta(days=30)).date()

    async def recommended(prices: tuple[int, int]) -> tuple[str, str, dict[str, Any]]:
        opened, (winner, other) = await opened_solicitation(
            civic, agency_b, [(vendor_b, prices[0]), (rival, prices[1])])
        base = f"{API}/solicitations/{opened}"

        async def evaluable() -> bool:
            r = await client.get(f"{base}/evaluation", headers=buyer_b)
            return r.status_code == 200 and len(r.json()["bids"]) == 2

        await eventually(evaluable, what="the opened bids in the evaluation read model")
        await _ok(await client.post(f"{base}/evaluators", json={"evaluator": evaluator_sub}, headers=buyer_b), 201)
        await _ok(await client.post(f"{base}/coi-declarations", json={"bidders": [vendor_b, rival]},
                                    headers=evaluator_b), 201)
        for b, score in ((winner, 9), (other, 5)):
            await _ok(await client.post(f"{API}/bids/{b}/responsiveness", json={"responsive": True},
                                        headers=buyer_b), 201)
            await _ok(await client.post(f"{API}/bids/{b}/scores", headers=evaluator_b, json={
                "scores": [{"criterion_id": "tech", "score": score, "comment": "ok"}]}), 201)
        await _ok(await client.post(f"{base}/scores/finalize", headers=buyer_b))
        award = await _ok(await client.post(f"{base}/award-recommendation", headers=buyer_b, json={
            "rationale": "best value", "contract_start": start.isoformat(),
            "contract_end": (start + timedelta(days=364)).isoformat(), "terms_ref": "GC-1"}), 201)
        return opened, winner, award

    opened, bid_x, award = await recommended((10_000_000, 8_000_000))
    protest = await _ok(await client.post(f"{API}/awards/{award['award_id']}/protests", headers=rival_owner,
                                          json={"grounds": "the scores were added up wrongly"}), 201)
    _, _, award2 = await recommended((9_000_000, 9_500_000))
    await client.post(f"{API}/dev/clock", json={"advance_seconds": 10 * 86400}, headers=admin)
    await _ok(await client.post(f"{API}/awards/{award2['award_id']}/finalize", headers=buyer_b,
                                json={"rationale": "no protest"}))

    async def contract() -> Any:
        r = await client.get(f"{API}/contracts", params={"award_id": award2["award_id"]}, headers=buyer_b)
        return r.json() if r.status_code == 200 and r.json() else None

    [summary] = await eventually(contract, what="the contract of the final award")
    contract_id = summary["contract_id"]
    await _ok(await client.post(f"{API}/contracts/{contract_id}/sign", headers=owner_b))
    await _ok(await client.post(f"{API}/contracts/{contract_id}/sign", headers=buyer_b))
    rating = await _ok(await client.post(f"{API}/contracts/{contract_id}/performance-ratings", headers=buyer_b,
                                         json={"quality": 4, "timeliness": 4, "cost_control": 4,
                                               "communication": 4}), 201)

    # its pilot phase with an option, a deliverable and the vendor's submission of it
    contract_url = f"{API}/contracts/{contract_id}"
    phase = await _ok(await client.post(f"{contract_url}/phases", headers=buyer_b, json={
        "kind": "pilot", "name": "Pilot", "budget": {"amount": 100_000, "currency": "USD"},
        "start_date": start.isoformat(), "end_date": (start + timedelta(days=20)).isoformat(),
        "kpis": [{"name": "On time", "unit": "percent", "target": 95, "measurement": "delivery logs"}],
        "options": [{"kind": "extra_quantity", "description": "more sites", "quantity": 3,
                     "added_value": {"amount": 50_000, "currency": "USD"},
                     "exercise_deadline": (start + timedelta(days=40)).isoformat()}]}), 201)
    deliverable = (await _ok(await client.post(f"{contract_url}/deliverables", headers=buyer_b, json={
        "title": "Monthly report", "due_dates": [(start + timedelta(days=10)).isoformat()]}), 201))["items"][0]
    report = await _ok(await upload(client, owner_b, "contracts", contract_id, title="Monthly report"), 201)
    submission = await _ok(await client.post(
        f"{contract_url}/deliverables/{deliverable['deliverable_id']}/submissions", headers=owner_b,
        json={"document_id": report["id"], "statement": "the first report"}), 201)

    async def payable() -> bool:
        return bool(await civic.pool.fetchval(
            "SELECT status = 'active' FROM payments_contracts WHERE contract_id = $1", contract_id))

    await eventually(payable, what="the contract in the payments read model")
    invoice = await _ok(await client.post(f"{API}/contracts/{contract_id}/invoices", headers=owner_b, json={
        "number": unique("INV-"), "currency": "USD", "total": 100_000,
        "lines": [{"description": "Phase 1", "quantity": 1, "unit_price": 100_000}],
        "service_period": {"start": start.isoformat(), "end": (start + timedelta(days=20)).isoformat()}}), 201)
    await _ok(await client.post(f"{API}/invoices/{invoice['id']}/accept", headers=finance_b))
    await _ok(await client.post(f"{API}/invoices/{invoice['id']}/receipt", headers=buyer_b, json={}))
    approved = await _ok(await client.post(f"{API}/invoices/{invoice['id']}/approve", headers=finance_b,
                                           json={"amount": 40_000}))
    [payment_id] = approved["payment_ids"]

    async def payment() -> bool:
        return (await client.get(f"{API}/payments/{payment_id}", headers=finance_b)).status_code == 200

    await eventually(payment, what="the payment in its read model")
    # a webhook subscription of vendor B (to a kind that does not happen while the test runs)
    hook = await _ok(await client.post(f"{API}/webhook-subscriptions", headers=owner_b, json={
        "url": "https://hooks.vendor-b.example/civic", "kinds": ["contract.expiring"]}), 201)

    # a cooperative contract of agency B, open to one partner agency only, and B's order on it
    partner, _ = await new_agency(client, token)
    coop_contract = await active_contract(civic, agency_b, vendor_b, catalog=SALT, cooperative=CooperativeStatement(
        eligible="agencies", agencies=[partner], lead_agency_id=agency_b, approval_required=True))
    order = await _ok(await client.post(f"{API}/purchase-orders", headers=buyer_b, json=order_body(
        coop_contract, [("salt", 10)], (await now_of(client, token) + timedelta(days=7)).date())), 201)
    others = [await active_contract(civic, agency_b, unique("v"), catalog=SALT, cooperative=None) for _ in range(2)]
    quote_request = await _ok(await client.post(f"{API}/quote-requests", headers=buyer_b, json={
        "commodity_code": "12352301", "description": "Road salt for the winter", "contract_ids": [coop_contract, *others],
        "due_at": (await now_of(client, token) + timedelta(days=30)).isoformat()}), 201)

    # a private document of vendor B (its W-9: the vendor's own, oversight's, nobody else's)
    w9 = await _ok(await upload(client, owner_b, "vendors", vendor_b, kind="w9", title="Vendor B W-9"), 201)

    # the intruders: agency A's staff and vendor A, each real
    agency_a, buyer_a = await new_agency(client, token)
    vendor_a, owner_a = await bidder(client, token, civic)
    t.intruders = {
        "buyer": buyer_a,
        "finance": token("finance", sub=unique("fin"), agency=agency_a),
        "evaluator": token("evaluator", sub=unique("eva"), agency=agency_a),
        "vendor": owner_a,
    }
    t.ids = {
        "agency_id": agency_b, "vendor_id": vendor_b, "draft_id": draft["id"], "solicitation_id": open_sol["id"],
        "question_id": question["id"], "bid_id": bid["id"], "opened_id": opened, "scored_bid_id": bid_x,
        "award_id": award["award_id"], "protest_id": protest["protest_id"], "contract_id": contract_id,
        "rating_id": rating["rating_id"], "invoice_id": invoice["id"], "payment_id": payment_id,
        "subscription_id": hook["id"], "intruder_vendor": vendor_a, "intruder_agency": agency_a,
        "document_id": w9["id"], "coop_contract_id": coop_contract, "order_id": order["id"],
        "quote_request_id": quote_request["id"],
        "partner_agency": partner, "phase_id": phase["phase_id"], "option_id": phase["options"][0],
        "deliverable_id": deliverable["deliverable_id"], "submission_id": submission["submission_id"],
    }
    t.streams = [f"%{t.ids[k]}%" for k in ("agency_id", "vendor_id", "draft_id", "solicitation_id", "bid_id",
                                             "opened_id", "award_id", "protest_id", "contract_id", "invoice_id",
                                             "payment_id", "subscription_id", "document_id",
                                             "coop_contract_id", "order_id", "quote_request_id")]
    await wait_caught_up(civic, max_wait=60)
    return t
