"""The cooperative path over HTTP, every step through the services' own routes: a
solicitation with a price schedule and a cooperative statement -> bids pricing each line
(sealed) -> opening -> award -> a contract whose catalog is the winning bid's schedule ->
listed in the marketplace -> a second agency joins it and orders from it -> the vendor
invoices the order -> the three-way match holds the invoice until it agrees with the order
and the receipts -> the ordering agency's finance pays it through Stripe (localstripe)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta

import stripe

from projections.ocds import validation
from projections.ocds.process import ocid_for
from services.records.bundle import verify_bundle
from tests.e2e.marketplace.helpers import agency
from tests.e2e.payments.conftest import Marketplace
from tests.e2e.solicitations.helpers import API, advance, bid_body, bidder, now_of, published
from tests.support import eventually, unique

SCHEDULE = {"lines": [
    {"item_id": "salt", "description": "Road salt, treated", "commodity_code": "12352301", "unit": "ton",
     "estimated_quantity": 1000},
    {"item_id": "brine", "description": "Brine pre-wetting, applied", "commodity_code": "12352301",
     "unit": "gallon", "estimated_quantity": 5000}],
    "escalation_cap_percent": 3.5}


def _priced(salt: int, brine: int) -> list[dict]:
    return [{"item_id": "salt", "unit_price": {"amount": salt, "currency": "USD"}},
            {"item_id": "brine", "unit_price": {"amount": brine, "currency": "USD"}}]


async def test_a_cooperative_solicitation_becomes_a_catalog_another_agency_orders_from(client, token, civic,
                                                                                      localstripe):
    lead, buyer = await agency(client, token, "US-TX")
    member, member_buyer = await agency(client, token, "US-TX-Waco")
    alice_id, alice = await bidder(client, token, civic)
    bob_id, bob = await bidder(client, token, civic)
    cooperative = {"eligible": "jurisdictions", "jurisdictions": ["US-TX"],
                   "total_ceiling": {"amount": 2_000_000_00, "currency": "USD"}}
    sol = await published(client, token, buyer, price_schedule=SCHEDULE, cooperative=cooperative)
    sid = sol["id"]
    # public: bidders and everyone see the schedule and the cooperative statement
    public = (await client.get(f"{API}/solicitations/{sid}")).json()
    assert public["cooperative"]["lead_agency_id"] == lead and public["cooperative"]["jurisdictions"] == ["US-TX"]
    assert [line["item_id"] for line in public["price_schedule"]["lines"]] == ["salt", "brine"]
    # after publishing the statement changes only by addendum
    patched = await client.patch(f"{API}/solicitations/{sid}", headers=buyer,
                                 json={"cooperative": {"eligible": "all"}})
    assert patched.status_code == 409 and patched.json()["error"]["code"] == "not_draft", patched.text
    addendum = await client.post(f"{API}/solicitations/{sid}/addenda", headers=buyer, json={
        "summary": "Open the contract to every public body",
        "cooperative": cooperative | {"eligible": "all", "jurisdictions": []}})
    assert addendum.status_code == 201, addendum.text
    assert addendum.json()["cooperative"]["eligible"] == "all"
    sol = (await client.get(f"{API}/solicitations/{sid}", headers=buyer)).json()

    # a bid prices every line; its price is the sum over the estimated quantities
    wrong = await client.post(f"{API}/solicitations/{sid}/bids", headers=alice, json=bid_body(
        1, sol, unit_prices=_priced(80_00, 1_00), acknowledged_addendum=1))
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "price_mismatch", wrong.text
    missing = await client.post(f"{API}/solicitations/{sid}/bids", headers=alice, json=bid_body(
        80_000_00, sol, unit_prices=_priced(80_00, 1_00)[:1], acknowledged_addendum=1))
    assert missing.status_code == 422 and "brine" in missing.json()["error"]["message"], missing.text
    bids = {}
    for headers, (salt, brine) in ((alice, (80_00, 1_00)), (bob, (85_00, 90))):
        price = salt * 1000 + brine * 5000
        r = await client.post(f"{API}/solicitations/{sid}/bids", headers=headers, json=bid_body(
            price, sol, unit_prices=_priced(salt, brine), acknowledged_addendum=1))
        assert r.status_code == 201, r.text
        assert r.json()["unit_prices"][0]["unit_price"]["amount"] == salt  # the vendor reads its own
        bids[headers["Authorization"]] = r.json()["id"]
    bid_a, bid_b = bids[alice["Authorization"]], bids[bob["Authorization"]]
    # sealed: nobody else reads a bid (nor its unit prices) before the opening
    assert (await client.get(f"{API}/bids/{bid_a}", headers=buyer)).status_code == 404

    deadline = datetime.fromisoformat(sol["submission_deadline"])
    now = await now_of(client, token)
    await advance(client, token, (deadline - now).total_seconds() + 2 * 3600)
    evaluator_sub = unique("eval")
    evaluator = token("evaluator", sub=evaluator_sub, agency=lead)
    url = f"{API}/solicitations/{sid}/evaluation"

    async def opened():
        r = await client.get(url, headers=buyer)
        return r.json() if r.status_code == 200 and len(r.json()["bids"]) == 2 else None
    await eventually(opened, what="the opened bids reaching the evaluation")
    opened_bid = (await client.get(f"{API}/bids/{bid_a}", headers=buyer)).json()
    assert [p["item_id"] for p in opened_bid["unit_prices"]] == ["salt", "brine"]
    assert (await client.post(f"{API}/solicitations/{sid}/evaluators", json={"evaluator": evaluator_sub},
                              headers=buyer)).status_code == 201
    assert (await client.post(f"{API}/solicitations/{sid}/coi-declarations", headers=evaluator,
                              json={"bidders": [alice_id, bob_id]})).status_code == 201
    scored = [c for c in sol["criteria"] if not c["is_price"]]
    for bid, score in ((bid_a, 9), (bid_b, 5)):
        assert (await client.post(f"{API}/bids/{bid}/responsiveness", json={"responsive": True},
                                  headers=evaluator)).status_code == 201
        r = await client.post(f"{API}/bids/{bid}/scores", headers=evaluator, json={"scores": [
            {"criterion_id": c["criterion_id"], "score": score, "comment": "ok"} for c in scored]})
        assert r.status_code == 201, r.text
    assert (await client.post(f"{API}/solicitations/{sid}/scores/finalize", headers=buyer)).status_code == 200
    now = await now_of(client, token)
    start = (now + timedelta(days=14)).date()
    r = await client.post(f"{API}/solicitations/{sid}/award-recommendation", headers=buyer, json={
        "rationale": "best value", "contract_start": start.isoformat(),
        "contract_end": (start + timedelta(days=365)).isoformat()})
    assert r.status_code == 201, r.text
    award = r.json()
    assert award["vendor_id"] == alice_id
    ends = datetime.fromisoformat(award["protest_window_ends"])
    await advance(client, token, (ends - now).total_seconds() + 60)
    assert (await client.post(f"{API}/awards/{award['award_id']}/finalize", headers=buyer)).status_code == 200

    async def contract():
        r = await client.get(f"{API}/contracts", params={"award_id": award["award_id"]}, headers=alice)
        return r.json() if r.status_code == 200 and r.json() else None
    [summary] = await eventually(contract, what="the contract of the final award")
    curl = f"{API}/contracts/{summary['contract_id']}"
    assert (await client.post(f"{curl}/sign", headers=alice)).status_code == 200
    signed = (await client.post(f"{curl}/sign", headers=buyer)).json()
    assert signed["status"] == "active"
    assert [(i["item_id"], i["unit"], i["unit_price"]["amount"]) for i in signed["catalog"]] == [
        ("salt", "ton", 80_00), ("brine", "gallon", 1_00)]
    assert signed["escalation_cap_percent"] == 3.5 and signed["cooperative"]["eligible"] == "all"

    # listed in the marketplace; the second agency joins and orders at the catalog's prices
    async def listed():
        found = (await client.get(f"{API}/marketplace/contracts", params={"commodity_code": "12352301",
                                                                         "lead_agency": lead})).json()
        return found["items"] or None
    assert [c["id"] for c in await eventually(listed, what="the contract listed")] == [summary["contract_id"]]
    joined = await client.post(f"{curl}/participants", json={}, headers=member_buyer)
    assert joined.status_code == 201 and joined.json()["status"] == "approved", joined.text
    order = await client.post(f"{API}/purchase-orders", headers=member_buyer, json={
        "contract_id": summary["contract_id"], "currency": "USD",
        "lines": [{"item_id": "salt", "quantity": 40}, {"item_id": "brine", "quantity": 300}],
        "delivery_address": {"line1": "1 Depot Rd", "city": "Waco", "postal_code": "76701"},
        "requested_delivery": (start + timedelta(days=30)).isoformat()})
    assert order.status_code == 201, order.text
    assert order.json()["total"]["amount"] == 40 * 80_00 + 300 * 1_00
    order_id = order.json()["id"]
    assert (await client.post(f"{API}/purchase-orders/{order_id}/accept", headers=alice)).status_code == 200
    on = (await now_of(client, token)).date().isoformat()
    receipt = await client.post(f"{API}/purchase-orders/{order_id}/receipts", headers=member_buyer, json={
        "lines": [{"item_id": "salt", "quantity": 40}, {"item_id": "brine", "quantity": 300}], "received_on": on})
    assert receipt.status_code == 201 and receipt.json()["status"] == "received", receipt.text

    # open data: the order is a process of its own, a call-off of the cooperative contract's
    framework = ocid_for(civic.settings.ocid_prefix, sid)
    order_ocid = ocid_for(civic.settings.ocid_prefix, order_id)

    async def published_order():
        r = await client.get(f"{API}/ocds/records/{order_ocid}")
        if r.status_code != 200:
            return None
        releases = r.json()["records"][0]["releases"]
        return r.json() if len(releases) == 3 else None
    package = await eventually(published_order, what="the order's releases in the OCDS feed")
    assert validation.problems(package) == []
    record = package["records"][0]["compiledRelease"]
    assert record["relatedProcesses"] == [{"id": "framework", "relationship": ["framework"], "scheme": "ocid",
                                           "identifier": framework, "title": sol["title"]}]
    [contract] = record["contracts"]
    assert contract["value"] == {"amount": 3500, "currency": "USD"} and contract["status"] == "active"
    assert contract["implementation"]["milestones"][0]["status"] == "met"
    assert {p["id"]: p["roles"] for p in record["parties"]} == {member: ["buyer"], alice_id: ["supplier"]}
    assert "placed_by" not in str(package) and member_buyer["Authorization"] not in str(package)

    # the records bundle of the process holds the order (placed, accepted, received) and
    # the participation, under the signed manifest
    async def bundled():
        r = await client.get(f"{API}/records/processes/{sid}/bundle", headers=token("auditor"))
        assert r.status_code == 200, r.text
        files = zipfile.ZipFile(io.BytesIO(r.content))
        return r.content if f"events/purchase-order-{order_id}.jsonl" in files.namelist() else None
    bundle = await eventually(bundled, what="the order in the process's records bundle")
    files = zipfile.ZipFile(io.BytesIO(bundle))
    order_events = [json.loads(line)["type"] for line in
                    files.read(f"events/purchase-order-{order_id}.jsonl").decode().splitlines()]
    assert order_events[:2] == ["marketplace.PurchaseOrderPlaced.v1", "marketplace.PurchaseOrderAccepted.v1"]
    assert "marketplace.DeliveryReceived.v1" in order_events
    assert any("marketplace.ParticipationRequested.v1" in files.read(name).decode()
               for name in files.namelist() if name.startswith("events/"))
    assert verify_bundle(bundle).valid

    # the vendor invoices the order; billing one more ton than received fails the match
    member_finance = token("finance", sub=unique("fin"), agency=member)
    lead_finance = token("finance", sub=unique("fin"), agency=lead)
    body = {"number": unique("INV-"), "currency": "USD", "purchase_order_id": order_id,
            "service_period": {"start": start.isoformat(), "end": (start + timedelta(days=30)).isoformat()},
            "lines": [{"description": "Road salt", "quantity": 41, "unit_price": 80_00, "order_item_id": "salt"},
                      {"description": "Brine", "quantity": 300, "unit_price": 1_00, "order_item_id": "brine"}],
            "total": 41 * 80_00 + 300 * 1_00}
    not_on_order = await client.post(f"{curl}/invoices", headers=alice, json=body | {
        "number": unique("INV-"), "lines": [body["lines"][0] | {"order_item_id": "gravel"}], "total": 41 * 80_00})
    assert not_on_order.status_code == 422, not_on_order.text
    assert not_on_order.json()["error"]["details"][0]["field"] == "lines[0].order_item_id"

    async def invoiced():
        r = await client.post(f"{curl}/invoices", headers=alice, json=body)
        return r.json() if r.status_code == 201 else None  # 404 until the payments view has the contract
    invoice = await eventually(invoiced, what="the order's invoice accepted for review")
    invoice_id = invoice["id"]
    assert invoice["agency_id"] == member and invoice["purchase_order_id"] == order_id
    assert invoice["match"]["status"] == "mismatch"
    assert [(x["item_id"], x["status"]) for x in invoice["match"]["lines"]] == [
        ("salt", "exceeds_received"), ("brine", "matched")]
    # the ordering agency's finance reviews it; the lead agency's does not see it
    assert (await client.get(f"{API}/invoices/{invoice_id}", headers=lead_finance)).status_code == 404
    blocked = await client.post(f"{API}/invoices/{invoice_id}/approve", headers=member_finance)
    assert blocked.status_code == 409, blocked.text
    assert blocked.json()["error"]["code"] == "three_way_mismatch"
    assert [d["field"] for d in blocked.json()["error"]["details"]] == ["lines[0]"]
    assert (await client.get(f"{API}/invoices/{invoice_id}", headers=member_finance)).json()["payment_ids"] == []

    async def listed_with_match():
        r = await client.get(f"{API}/invoices", headers=member_finance)
        return [i for i in r.json()["items"] if i["id"] == invoice_id] or None
    [row] = await eventually(listed_with_match, what="the invoice in finance's list")
    assert row["purchase_order_id"] == order_id and row["match_status"] == "mismatch"

    # disputed, corrected by the vendor, matched, approved and paid
    assert (await client.post(f"{API}/invoices/{invoice_id}/dispute", headers=member_finance,
                              json={"reason": "41 tons billed, 40 received"})).status_code == 200
    corrected = await client.post(f"{API}/invoices/{invoice_id}/resubmit", headers=alice, json={
        "lines": [body["lines"][0] | {"quantity": 40}, body["lines"][1]], "total": 40 * 80_00 + 300 * 1_00,
        "service_period": body["service_period"]})
    assert corrected.status_code == 200 and corrected.json()["match"]["status"] == "matched", corrected.text
    approved = await client.post(f"{API}/invoices/{invoice_id}/approve", headers=member_finance)
    assert approved.status_code == 200, approved.text
    [payment_id] = approved.json()["payment_ids"]
    stripe_client = stripe.StripeClient(localstripe.api_key, base_addresses={"api": localstripe.api_base})
    payments = Marketplace(client, civic, token, stripe_client)
    payments.finance = member_finance
    payment = await payments.payment(payment_id)
    assert payment["agency_id"] == member and payment["amount"]["amount"] == 40 * 80_00 + 300 * 1_00
    [intent] = payments.intents_for(payment_id)
    assert intent.metadata.to_dict()["agency_id"] == member
    await payments.deliver_outcome(payment_id, "payment_intent.succeeded")
    assert (await payments.payment(payment_id, "succeeded"))["paid_at"] is not None

    # open data: the payment is spending of the order's process, paid by the ordering agency
    async def paid_order():
        r = await client.get(f"{API}/ocds/records/{order_ocid}")
        compiled = r.json()["records"][0]["compiledRelease"]
        return r.json() if compiled["contracts"][0]["implementation"].get("transactions") else None
    package = await eventually(paid_order, what="the order's payment in the OCDS feed")
    assert validation.problems(package) == []
    [tx] = package["records"][0]["compiledRelease"]["contracts"][0]["implementation"]["transactions"]
    assert tx["id"] == payment_id and tx["value"] == {"amount": 3500, "currency": "USD"}
    assert tx["payer"]["id"] == member and tx["payee"]["id"] == alice_id
    framework_record = (await client.get(f"{API}/ocds/records/{framework}")).json()
    assert payment_id not in str(framework_record)  # not counted twice on the framework's process

    # the payment audit trail is the ordering agency's, not the lead agency's
    async def audited():
        r = await client.get(f"{API}/payments/audit", params={"contract": summary["contract_id"]},
                             headers=member_finance)
        types = [e["event_type"] for e in r.json()["items"] if e["payment_id"] == payment_id]
        return r.json()["items"] if "payments.PaymentSucceeded.v1" in types else None
    trail = await eventually(audited, what="the order's payment in the ordering agency's audit trail")
    assert {e["agency_id"] for e in trail} == {member}
    assert {e["invoice_id"] for e in trail if e["invoice_id"]} == {invoice_id}
    lead_trail = await client.get(f"{API}/payments/audit", params={"contract": summary["contract_id"]},
                                  headers=lead_finance)
    assert lead_trail.status_code == 200 and lead_trail.json()["items"] == []
