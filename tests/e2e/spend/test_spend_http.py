"""The spend report and the forecast over HTTP: JSON, CSV, the SVG chart, bad input, and who
may read what."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import msgspec
import pytest

from events.base import Event
from tests.integration.search import builders as b
from tests.integration.spend.scenario import at, contract, invoice, started, succeeded
from tests.support import eventually, unique

SVG = "{http://www.w3.org/2000/svg}"
Q1 = {"from": "2026-01", "to": "2026-03"}


@pytest.fixture(scope="module")
async def agency(client, civic):
    """Two vendors paid by a fresh agency in the first quarter of 2026, appended to the store
    the app's runners project from."""
    tag = unique("sp")
    ag, local, other = f"{tag}ag", f"{tag}local", f"{tag}other"
    steps: list[tuple[str, str, list[Event]]] = [
        (f"vendor-{local}", "2025-06-01", [msgspec.structs.replace(b.vendor(local, "Local Paving"),
                                                                   local_agencies=[ag]),
                                           b.approved(local, at("2025-06-01"))]),
        (f"vendor-{other}", "2025-06-01", [b.vendor(other, "Far Paving"), b.approved(other, at("2025-06-01"))]),
        (f"solicitation-{tag}s", "2025-11-01", [b.solicitation(f"{tag}s", ag, "Paving", codes=("72141100",),
                                                               deadline=at("2025-11-20"))]),
        (f"contract-{tag}k1", "2025-12-01", [contract(f"{tag}k1", f"{tag}s", local, date(2026, 6, 30), agency=ag)]),
        (f"contract-{tag}k2", "2025-12-01", [contract(f"{tag}k2", f"{tag}s", other, date(2027, 12, 31), agency=ag)]),
        (f"invoice-inv-{tag}p1", "2026-01-02", [invoice(f"inv-{tag}p1", f"{tag}k1", local, 3_000, "2026-01-02",
                                                        agency=ag)]),
        (f"payment-{tag}p1", "2026-01-11", [started(f"{tag}p1", f"{tag}k1", local, 3_000, "2026-02-01", agency=ag),
                                            succeeded(f"{tag}p1", 3_000, "2026-01-12")]),
        (f"payment-{tag}p2", "2026-02-11", [started(f"{tag}p2", f"{tag}k2", other, 1_000, "2026-02-01", agency=ag),
                                            succeeded(f"{tag}p2", 1_000, "2026-02-12", interest_cents=2_00)]),
    ]
    for stream, day, events in steps:
        await b.append(civic.store, stream, events, at(day))

    async def projected() -> bool:
        return await civic.pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM spend_payments WHERE payment_id = $1 AND paid_on IS NOT NULL)", f"{tag}p2")

    await eventually(projected, timeout=60, what="the payments in the spend read model")
    return {"agency": ag, "local": local, "other": other}


async def test_finance_reads_the_cube_as_json(client, token, agency):
    response = await client.get("/api/v1/reports/spend", params={**Q1, "group_by": "vendor,local"},
                                headers=token("finance", agency=agency["agency"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["agency"], body["from"], body["to"], body["group_by"]) == (agency["agency"], "2026-01", "2026-03",
                                                                            ["vendor", "local"])
    assert body["totals"] == {"amount": 4_000_00, "payments": 2, "interest": 2_00, "vendors": 2}
    rows = {(r["vendor"], r["local"]): r["amount"] for r in body["rows"]}
    assert rows == {(agency["local"], "local"): 3_000_00, (agency["other"], "other"): 1_000_00}
    [paving] = body["concentration"]
    assert (paving["category"], paving["hhi"], paving["level"]) == ("72", 6250.0, "high")  # 75^2 + 25^2
    assert [t["change_percent"] for t in body["trends"]] == [None, -66.67, -100.0]
    locality = {r["group"]: r for r in body["equity"]["by_locality"]}
    assert locality["local"]["average_days_to_pay"] == 10.0 and locality["other"]["late_payments"] == 1


async def test_csv_has_the_grouped_rows(client, token, agency):
    headers = token("buyer", agency=agency["agency"])
    by_accept = await client.get("/api/v1/reports/spend", params={**Q1, "group_by": "month"},
                                 headers={**headers, "Accept": "text/csv"})
    by_param = await client.get("/api/v1/reports/spend", params={**Q1, "group_by": "month", "format": "csv"},
                                headers=headers)
    assert by_accept.status_code == 200 and by_accept.headers["content-type"] == "text/csv; charset=utf-8"
    assert by_accept.text == by_param.text
    lines = list(csv.DictReader(io.StringIO(by_accept.text)))
    assert [(line["month"], line["amount"], line["payments"]) for line in lines] == [
        ("2026-01", "300000", "1"), ("2026-02", "100000", "1")]


async def test_chart_has_a_bar_per_category_with_its_concentration(client, token, agency):
    response = await client.get("/api/v1/reports/spend/chart.svg", params={**Q1, "agency": agency["agency"]},
                                headers=token("auditor"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    svg = ET.fromstring(response.text)
    bars = {r.get("data-group"): int(r.get("data-amount")) for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"}
    assert bars == {"72": 4_000_00}
    assert any(t.text and "HHI 6,250 (high)" in t.text for t in svg.iter(f"{SVG}text"))


async def test_forecast_of_the_agency(client, token, civic):
    """The forecast looks ahead from the marketplace's clock, which other tests move: its
    agency paid last month and has a contract ending in about half a year."""
    await civic.clock.refresh()
    today = civic.clock.now().date()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    ends = today + timedelta(days=180)
    tag = unique("fc")
    ag, vendor = f"{tag}ag", f"{tag}v"
    day = last_month.isoformat()
    for stream, events in (
            (f"vendor-{vendor}", [b.vendor(vendor, "Near Paving"), b.approved(vendor, at(day))]),
            (f"solicitation-{tag}s", [b.solicitation(f"{tag}s", ag, "Paving", codes=("72141100",),
                                                     deadline=at(day))]),
            (f"contract-{tag}k", [contract(f"{tag}k", f"{tag}s", vendor, ends, agency=ag)]),
            (f"payment-{tag}p", [started(f"{tag}p", f"{tag}k", vendor, 2_000, day, agency=ag),
                                 succeeded(f"{tag}p", 2_000, day)])):
        await b.append(civic.store, stream, events, at(day))

    async def forecast():
        response = await client.get("/api/v1/reports/forecast", headers=token("buyer", agency=ag))
        assert response.status_code == 200, response.text
        body = response.json()
        found = body["categories"]
        return body if found and found[0]["recompetitions_due"] and found[0]["history_months"] else None

    body = await eventually(forecast, timeout=60, what="the agency's forecast")
    assert body["agency"] == ag and len(body["months"]) == 12
    assert body["method"]["name"] == "seasonal_naive" and "back-tested" in body["method"]["description"]
    [paving] = body["categories"]
    assert paving["category"] == "72" and paving["vendors"]["registered"] >= 1
    assert paving["recompetitions_due"] == 1 and paving["history_months"] >= 1
    # one month of history is too little to forecast from: no number without its error
    assert all(m["expected_spend"] is None for m in paving["months"]) and paving["backtest"] is None


async def test_vendors_other_agencies_and_bad_input_are_refused(client, token, agency):
    mine = token("finance", agency=agency["agency"])
    for path in ("/api/v1/reports/spend", "/api/v1/reports/spend/chart.svg", "/api/v1/reports/forecast"):
        vendor = await client.get(path, headers=token("vendor", vendor=agency["local"]))
        assert vendor.status_code == 403, path
        assert (await client.get(path)).status_code == 401, path
        other = await client.get(path, params={"agency": agency["agency"]}, headers=token("buyer", agency="elsewhere"))
        assert other.status_code == 403 and other.json()["error"]["code"] == "other_agency", path
    for params, field in (({"group_by": "vendor,color"}, "group_by"), ({"group_by": "month,month"}, "group_by"),
                          ({"group_by": "agency,category,vendor,month"}, "group_by"),
                          ({"from": "2026-13"}, "from"), ({"from": "0000-01"}, "from"), ({"to": "9999-12"}, "to"),
                          ({"from": "2026-04", "to": "2026-03"}, "from"),
                          ({"from": "2000-01", "to": "2026-03"}, "from"), ({"category": "7"}, "category"),
                          ({"format": "xml"}, "format"), ({"local": "perhaps"}, "local")):
        response = await client.get("/api/v1/reports/spend", params=params, headers=mine)
        assert response.status_code == 422, (params, response.text)
        assert field in response.text, (params, response.text)
    everyone = await client.get("/api/v1/reports/forecast", headers=token("admin"))
    assert everyone.status_code == 422 and "agency" in everyone.text
