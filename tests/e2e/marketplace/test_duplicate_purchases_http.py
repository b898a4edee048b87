"""Duplicate purchases over HTTP: an agency about to buy what a cooperative contract it may
use already offers is warned on creation and publication, the warning is on the record,
and ``/similar`` shows it to the agency and oversight but not to vendors or the public."""

from __future__ import annotations

from events.solicitations import CooperativeStatement, DuplicatePurchaseSuspected
from tests.e2e.marketplace.helpers import API, active_contract, agency, usd
from tests.e2e.solicitations.helpers import now_of, solicitation_body
from tests.support import eventually, unique


async def test_a_second_agency_is_warned_of_a_cooperative_contract_it_may_use(client, token, civic):
    code = unique("c")[:12]
    marker = unique("w")
    lead, _ = await agency(client, token, "US-TX")
    buyer_agency, buyer = await agency(client, token, "US-TX-Austin")
    statement = CooperativeStatement(eligible="jurisdictions", jurisdictions=["US-TX"], lead_agency_id=lead,
                                     total_ceiling=usd(1_000_000_00))
    contract = await active_contract(civic, lead, unique("v"), cooperative=statement,
                                     catalog=(("toner-k", "Black toner cartridge", code, "each", 80_00),),
                                     title=f"Toner cartridges {marker}")
    # an agency the statement does not admit is not told of it
    _, outsider = await agency(client, token, "US-CA")

    async def listed() -> bool:
        found = (await client.get(f"{API}/marketplace/contracts", params={"q": marker})).json()
        return [c["id"] for c in found["items"]] == [contract] or None

    await eventually(listed, what="the cooperative contract listed")
    body = solicitation_body(await now_of(client, token), title="Printer consumables", commodity_codes=[code])

    keyed = {**buyer, "Idempotency-Key": unique("key")}
    created = await client.post(f"{API}/solicitations", json=body, headers=keyed)
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    [warning] = created.json()["warnings"]
    assert "duplicate purchase" in warning and contract in warning and code in warning
    # the repeated request answers the warning recorded the first time, and records nothing more
    again = await client.post(f"{API}/solicitations", json=body, headers=keyed)
    assert again.status_code == 201 and again.json()["warnings"] == [warning], again.text

    elsewhere = await client.post(f"{API}/solicitations", json=body, headers=outsider)
    assert elsewhere.status_code == 201, elsewhere.text
    assert not any(contract in w for w in elsewhere.json()["warnings"]), elsewhere.json()

    published = await client.post(f"{API}/solicitations/{sid}/publish", headers=buyer)
    assert published.status_code == 200, published.text
    assert [w for w in published.json()["warnings"] if contract in w], published.json()

    stored = [r.event for r in await civic.store.read_stream(f"solicitation-{sid}")
              if isinstance(r.event, DuplicatePurchaseSuspected)]
    assert [(e.step, e.kind, e.match_id, e.agency_id, e.shared_commodity_codes) for e in stored] == [
        ("created", "cooperative_contract", contract, buyer_agency, [code]),
        ("published", "cooperative_contract", contract, buyer_agency, [code])]

    async def similar():
        response = await client.get(f"{API}/solicitations/{sid}/similar", headers=buyer)
        if response.status_code == 409 and response.json()["error"]["code"] == "not_yet_visible":
            return None
        assert response.status_code == 200, response.text
        return response.json()

    shown = await eventually(similar, timeout=60, what="the similar purchases")
    assert [(d["step"], d["kind"], d["id"], d["agency_id"]) for d in shown["duplicate_purchases"]] == [
        ("created", "cooperative_contract", contract, lead), ("published", "cooperative_contract", contract, lead)]

    path = f"{API}/solicitations/{sid}/similar"
    assert (await client.get(path, headers=token("auditor"))).status_code == 200
    assert (await client.get(path, headers=token("vendor", sub=unique("u")))).status_code == 403
    assert (await client.get(path)).status_code == 401
    _, stranger = await agency(client, token, "US-TX-Dallas")
    assert (await client.get(path, headers=stranger)).status_code == 403
