"""The open data of a contracting process run entirely through the services' own routes:
publish -> sealed bids -> opening -> evaluation -> award -> contract -> amendment ->
invoice -> payment through Stripe. Everything the OCDS routes serve is validated."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import msgspec
import stripe

from projections.ocds import validation
from projections.ocds.process import ocid_for
from tests.e2e.ocds.served import RECORDS, everything_about, ok, only, wait_for_release
from tests.e2e.payments.conftest import Marketplace
from tests.e2e.solicitations.helpers import (
    API,
    DAY,
    advance,
    bid_body,
    bidder,
    new_agency,
    now_of,
    published,
)
from tests.support import eventually, unique

PRICES = (400_000_00, 320_000_00)


async def _post(client, path: str, headers, body=None, status: int = 201):
    response = await client.post(f"{API}{path}", json=body, headers=headers)
    assert response.status_code == status, f"{path}: {response.text}"
    return response.json()


def _assert_valid(served) -> None:
    for package in served:
        problems = validation.problems(package)
        assert problems == [], f"{package['uri']}: {problems[:5]}"


async def _evaluate_and_award(client, token, agency_id, buyer, sol, bids, bidders) -> dict:
    """Evaluator appointed and cleared, both bids scored, notice of intent, protest window
    passed, award final; returns the award."""
    sid = sol["id"]

    async def opened():
        r = await client.get(f"{API}/solicitations/{sid}/evaluation", headers=buyer)
        return r.status_code == 200 and len(r.json()["bids"]) == len(bids)

    await eventually(opened, timeout=60, what="the opened bids reaching the evaluation")
    evaluator_sub = unique("eval")
    evaluator = token("evaluator", sub=evaluator_sub, agency=agency_id)
    await _post(client, f"/solicitations/{sid}/evaluators", buyer, {"evaluator": evaluator_sub})
    await _post(
        client,
        f"/solicitations/{sid}/coi-declarations",
        evaluator,
        {"bidders": bidders, "statement": "no relationship"},
    )

    async def under_evaluation():
        r = await client.get(f"{API}/solicitations/{sid}", headers=buyer)
        return r.json()["status"] == "under_evaluation"

    await eventually(under_evaluation, timeout=60, what="the solicitation under evaluation")
    scored = [c for c in sol["criteria"] if not c["is_price"]]
    for bid, score in zip(bids, (9, 5), strict=True):
        await _post(client, f"/bids/{bid}/responsiveness", evaluator, {"responsive": True})
        await _post(
            client,
            f"/bids/{bid}/scores",
            evaluator,
            {
                "scores": [
                    {"criterion_id": c["criterion_id"], "score": score, "comment": "assessed"}
                    for c in scored
                ]
            },
        )
    await _post(
        client,
        f"/solicitations/{sid}/scores/finalize",
        buyer,
        {"tie_break_rules": ["local_preference", "drawing"]},
        status=200,
    )
    start = (await now_of(client, token) + timedelta(days=14)).date()
    award = await _post(
        client,
        f"/solicitations/{sid}/award-recommendation",
        buyer,
        {
            "rationale": "highest weighted score",
            "contract_start": start.isoformat(),
            "contract_end": (start + timedelta(days=365)).isoformat(),
            "terms_ref": "RFP terms v3",
        },
    )
    ends = datetime.fromisoformat(award["protest_window_ends"])
    await advance(client, token, (ends - await now_of(client, token)).total_seconds() + 60)
    await _post(client, f"/awards/{award['award_id']}/finalize", buyer, status=200)
    return award


async def test_open_data_of_a_process_run_through_http(client, token, civic, localstripe):
    agency_id, buyer = await new_agency(client, token)
    alice_id, alice = await bidder(client, token, civic)
    bob_id, bob = await bidder(client, token, civic)
    sol = await published(client, token, buyer)
    ocid = ocid_for(civic.settings.ocid_prefix, sol["id"])
    bids = [
        (await _post(client, f"/solicitations/{sol['id']}/bids", headers, bid_body(price, sol)))[
            "id"
        ]
        for headers, price in ((alice, PRICES[0]), (bob, PRICES[1]))
    ]

    # sealed: the process is public, nothing of its bids is
    first = (await wait_for_release(client, ocid, "tender"))["records"][0]["releases"][0]
    before_opening = await everything_about(client, ocid, datetime.fromisoformat(first["date"]))
    _assert_valid(before_opening)
    before = msgspec.json.encode(only(before_opening, ocid)).decode()
    for secret in (
        *map(str, PRICES),
        "400000",
        "320000",
        *bids,
        alice_id,
        bob_id,
        "numberOfTenderers",
    ):
        assert secret not in before, f"{secret!r} is public before opening"

    await advance(client, token, 30 * DAY + 3600 + 60)
    await wait_for_release(client, ocid, "tenderUpdate")  # the opening
    award = await _evaluate_and_award(
        client, token, agency_id, buyer, sol, bids, [alice_id, bob_id]
    )

    async def contract_of_award():
        r = await client.get(
            f"{API}/contracts", params={"award_id": award["award_id"]}, headers=alice
        )
        return r.json() if r.status_code == 200 and r.json() else None

    [contract] = await eventually(contract_of_award, timeout=60, what="the contract of the award")
    contract_id = contract["contract_id"]
    start = date.fromisoformat(contract["start_date"])
    await _post(client, f"/contracts/{contract_id}/sign", alice, status=200)
    await _post(client, f"/contracts/{contract_id}/sign", buyer, status=200)
    await _post(
        client,
        f"/contracts/{contract_id}/modifications",
        buyer,
        {
            "kind": "value_change",
            "reason": "Added a site",
            "value": {"amount": 420_000_00, "currency": "USD"},
        },
        status=201,
    )

    market = Marketplace(
        client,
        civic,
        token,
        stripe.StripeClient(localstripe.api_key, base_addresses={"api": localstripe.api_base}),
    )
    market.agency, market.vendor, market.vendor_headers = agency_id, alice_id, alice
    market.finance = token("finance", agency=agency_id)

    async def billable():
        period = {"start": start.isoformat(), "end": (start + timedelta(days=27)).isoformat()}
        response = await market.invoice(contract_id, total=130_000, service_period=period)
        return response.json() if response.status_code == 201 else None

    invoice = await eventually(billable, timeout=60, what="the contract accepting invoices")
    await _post(client, f"/invoices/{invoice['id']}/accept", market.finance, status=200)
    await _post(
        client, f"/invoices/{invoice['id']}/receipt", buyer, {"note": "work delivered"}, status=200
    )
    [payment_id] = (
        await _post(client, f"/invoices/{invoice['id']}/approve", market.finance, status=200)
    )["payment_ids"]
    await market.payment(payment_id)
    await eventually(lambda: _charged(market, payment_id), timeout=60, what="the charge at Stripe")
    await market.deliver_outcome(payment_id, "payment_intent.succeeded")

    record = (await wait_for_release(client, ocid, "implementation"))["records"][0]
    served = await everything_about(
        client, ocid, datetime.fromisoformat(record["releases"][0]["date"])
    )
    _assert_valid(served)
    compiled = record["compiledRelease"]
    assert compiled["tender"]["status"] == "complete"
    assert compiled["tender"]["numberOfTenderers"] == 2
    [published_award] = compiled["awards"]
    assert published_award["status"] == "active"
    assert published_award["value"] == {"amount": 400000, "currency": "USD"}
    assert published_award["suppliers"][0]["id"] == alice_id
    [published_contract] = compiled["contracts"]
    assert published_contract["status"] == "active" and "dateSigned" in published_contract
    assert published_contract["value"] == {"amount": 420000, "currency": "USD"}
    assert [t["value"] for t in published_contract["implementation"]["transactions"]] == [
        {"amount": 1300, "currency": "USD"}
    ]
    roles = {p["id"]: set(p["roles"]) for p in compiled["parties"]}
    assert roles[agency_id] == {"buyer", "procuringEntity", "payer"}
    assert roles[alice_id] == {"tenderer", "supplier", "payee"} and roles[bob_id] == {"tenderer"}
    body = msgspec.json.encode(served).decode()
    for secret in ("ana@example.com", "100 Market St", "highest weighted score", "no relationship"):
        assert secret not in body
    assert (await ok(client, f"{RECORDS}/{ocid}"))["records"][0]["compiledRelease"] == compiled


async def _charged(market, payment_id):
    intents = market.intents_for(payment_id)
    return bool(intents) and intents[0].status == "succeeded"
