"""The public marketplace: search over cooperative contracts and their catalogs, facets,
keyset paging, and the public view of one contract (its ceiling left as a share)."""

from __future__ import annotations

from datetime import timedelta

from events.solicitations import CooperativeStatement
from tests.e2e.marketplace.helpers import API, active_contract, agency, order_body, usd
from tests.support import eventually, unique

SALT = (("salt-bulk", "Road salt, bulk, treated", "12352301", "ton", 90_00),)
SIGNS = (("sign-stop", "Stop sign, reflective aluminium", "55121710", "each", 45_00),
         ("sign-post", "Galvanised sign post", "55121710", "each", 30_00))


async def test_search_facets_paging_and_the_public_view(client, token, civic):
    lead, lead_buyer = await agency(client, token, "US-TX")
    marker = unique("w")  # a word only these contracts' titles hold
    statement = CooperativeStatement(eligible="all", lead_agency_id=lead, total_ceiling=usd(1_000_00 * 100),
                                     participant_ceiling=usd(10_000_00))
    salt = await active_contract(civic, lead, unique("v"), cooperative=statement, catalog=SALT,
                                 title=f"Winter road salt {marker}")
    signs = await active_contract(civic, lead, unique("v"), cooperative=statement, catalog=SIGNS,
                                  title=f"Traffic signs {marker}")
    private = await active_contract(civic, lead, unique("v"), cooperative=None, catalog=SIGNS,
                                    title=f"Private signs {marker}")
    await civic.clock.refresh()
    on = civic.clock.now().date() + timedelta(days=7)
    assert (await client.post(f"{API}/purchase-orders", headers=lead_buyer,
                              json=order_body(salt, [("salt-bulk", 250)], on))).status_code == 201

    async def listed() -> dict | None:
        found = (await client.get(f"{API}/marketplace/contracts", params={"q": marker})).json()
        ready = len(found["items"]) == 2 and any(c["ceiling_left_share"] < 1 for c in found["items"])
        return found if ready else None

    found = await eventually(listed, what="both contracts listed with the order's spend")
    assert {c["id"] for c in found["items"]} == {salt, signs}, found
    assert private not in {c["id"] for c in found["items"]}
    assert {(f["value"], f["count"]) for f in found["facets"]["commodity_code"]} == {("12352301", 1), ("55121710", 1)}
    assert found["facets"]["lead_agency"] == [{"value": lead, "count": 2}]
    assert {f["value"]: f["count"] for f in found["facets"]["expiry"]} == {"90d": 0, "180d": 0, "365d": 0, "later": 2}
    # full text over the catalog's items
    items = (await client.get(f"{API}/marketplace/contracts", params={"q": f"{marker} reflective"})).json()
    assert [c["id"] for c in items["items"]] == [signs]
    coded = (await client.get(f"{API}/marketplace/contracts",
                              params={"q": marker, "commodity_code": "12352301"})).json()
    assert [c["id"] for c in coded["items"]] == [salt]
    assert coded["items"][0]["ceiling_left_share"] == 0.78  # 22,500.00 of 100,000.00 committed
    # keyset paging: one at a time, in the order of the full list, each once
    first = (await client.get(f"{API}/marketplace/contracts", params={"q": marker, "limit": 1})).json()
    second = (await client.get(f"{API}/marketplace/contracts",
                               params={"q": marker, "limit": 1, "cursor": first["next_cursor"]})).json()
    assert [first["items"][0]["id"], second["items"][0]["id"]] == [c["id"] for c in found["items"]]
    assert second["next_cursor"] is None
    foreign = await client.get(f"{API}/marketplace/contracts", params={"q": "other", "cursor": first["next_cursor"]})
    assert foreign.status_code == 422

    view = await client.get(f"{API}/marketplace/contracts/{salt}")
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["catalog"][0]["unit_price"] == {"amount": 90_00, "currency": "USD"}
    assert body["eligibility"]["eligible"] == "all" and body["ceiling_left_share"] == 0.78
    assert "committed" not in view.text and "22500" not in view.text  # shares, never exact spend
    assert (await client.get(f"{API}/marketplace/contracts/{private}")).status_code == 404
