"""A vendor's scorecard over HTTP: staff of any agency read it, its vendor reads its own,
another vendor and the public do not."""

from __future__ import annotations

from datetime import date

from events.contracts import PerformanceRated
from tests.integration.search import builders as b
from tests.integration.spend.scenario import at, contract
from tests.support import eventually, unique


async def test_who_reads_a_scorecard(client, civic, token):
    vendor, other = unique("sc"), unique("sc")
    await b.append(civic.store, f"vendor-{vendor}", [b.vendor(vendor, "Scored Works"),
                                                    b.approved(vendor, at("2025-06-01"))], at("2025-06-01"))
    await b.append(civic.store, f"vendor-{other}", [b.vendor(other, "Other Works"),
                                                   b.approved(other, at("2025-06-01"))], at("2025-06-01"))
    contract_id = unique("k")
    await b.append(civic.store, f"contract-{contract_id}", [
        contract(contract_id, unique("s"), vendor, date(2026, 12, 31), agency="agency-a"),
        PerformanceRated(contract_id=contract_id, rating_id=unique("r"), vendor_id=vendor, quality=4, timeliness=2,
                         cost_control=3, communication=5, rated_by="buyer-1", rated_at=at("2026-02-01"))],
        at("2026-02-01"))
    path = f"/api/v1/vendors/{vendor}/scorecard"

    async def rated():
        response = await client.get(path, headers=token("evaluator", agency="agency-z"))
        return response.json() if response.status_code == 200 and response.json()["ratings"]["count"] else None

    card = await eventually(rated, what="the rating on the scorecard")
    assert card["vendor_id"] == vendor and card["ratings"]["average"]["overall"] == 3.5
    assert card["contracts"] == 1 and card["protests"]["filed"] == 0
    own = await client.get(path, headers=token("vendor", vendor=vendor))
    assert own.status_code == 200 and own.json() == card
    assert (await client.get(path, headers=token("vendor", vendor=other))).status_code == 404
    assert (await client.get(path)).status_code == 401
    assert (await client.get("/api/v1/vendors/no-such-vendor/scorecard", headers=token("buyer", agency="a"))
            ).status_code == 404
