"""The renewal pipeline over HTTP: contracts at known expiry dates on the dev clock, stages recorded."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from tests.e2e.contracts.test_phases_http import API, World, pilot, usd
from tests.support import eventually


async def test_renewals_by_months_to_expiry_with_options_stage_and_value(client, token, civic):
    w = World(client, civic, token)
    late, start = await w.contract(value=900_000, days=400)
    soon, _ = await w.contract(value=500_000, days=70)
    option = {"kind": "extra_years", "description": "a second year", "added_value": usd(200_000),
              "exercise_deadline": (start + timedelta(days=60)).isoformat(),
              "extend_to": (start + timedelta(days=500)).isoformat()}
    assert (await client.post(f"{API}/contracts/{late}/phases", headers=w.buyer,
                              json=pilot(start, options=[option]))).status_code == 201
    r = await client.post(f"{API}/contracts/{soon}/renewal-stage", headers=w.buyer, json={"stage": "re_compete"})
    assert r.status_code == 200, r.text
    today = (await w.advance(10)).date()
    url = f"{API}/reports/renewals"

    async def listed() -> dict:
        r = await client.get(url, headers=w.buyer)
        assert r.status_code == 200, r.text
        assert len(r.json()["contracts"]) == 2
        return r.json()
    body = await eventually(listed)
    first, second = body["contracts"]
    assert [first["contract_id"], second["contract_id"]] == [soon, late]
    assert first["days_to_expiry"] == 60 and first["months_to_expiry"] in (1, 2)
    assert first["months_to_expiry"] < second["months_to_expiry"] and second["days_to_expiry"] == 390
    assert first["stage"] == "re_compete" and first["days_in_stage"] == 10 and first["remaining_options"] == []
    assert second["stage"] is None and second["days_in_stage"] is None
    [opt] = second["remaining_options"]
    assert opt["kind"] == "extra_years" and opt["added_value"] == usd(200_000)
    assert first["value_at_stake"] == usd(500_000) and second["value_at_stake"] == usd(900_000)
    assert second["options_value"] == usd(200_000)
    assert body["agency"] == w.agency and body["as_of"] == today.isoformat()

    r = await client.get(url, headers=w.buyer, params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:4] == ["contract_id", "agency_id", "vendor_id", "end_date"]
    header = rows[0]
    assert [row[0] for row in rows[1:]] == [soon, late]
    assert rows[1][header.index("stage")] == "re_compete" and rows[1][header.index("days_in_stage")] == "10"
    assert rows[2][header.index("remaining_options")] == "1" and rows[2][header.index("value_at_stake")] == "900000"

    finance = token("finance", agency=w.agency)
    assert (await client.get(url, headers=finance)).status_code == 200
    assert (await client.get(url, headers=w.admin, params={"agency": w.agency})).json()["contracts"] == body["contracts"]
    assert (await client.get(url, headers=w.other_buyer, params={"agency": w.agency})).status_code == 403
    assert (await client.get(url, headers=w.vendor_headers)).status_code == 403
    assert (await client.get(url)).status_code == 401
