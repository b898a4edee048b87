"""The supplier-diversity report over HTTP: JSON, CSV, the SVG chart, and who may read what."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from tests.integration.diversity import scenario
from tests.support import eventually, unique

SVG = "{http://www.w3.org/2000/svg}"
Q1 = {"from": "2026-01-01", "to": "2026-03-31"}


@pytest.fixture(scope="module")
async def agency(client, civic):
    """The hand-computed scenario under a fresh prefix, appended to the store the app's
    runners project from."""
    tag = unique("dv")
    await scenario.load(civic.store, tag)
    agency_id = f"{tag}{scenario.AGENCY}"

    async def projected() -> bool:
        return await civic.pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM diversity_refunds WHERE payment_id = $1)", f"{tag}p4")

    await eventually(projected, timeout=60, what="the scenario in the diversity read model")
    return agency_id


async def test_buyer_reads_the_agency_report_as_json(client, token, agency):
    response = await client.get("/api/v1/reports/supplier-diversity", params=Q1,
                                headers=token("buyer", agency=agency))
    assert response.status_code == 200, response.text
    body = response.json()
    rows = {(r["group"], r["program"]): r for r in body["rows"]}
    assert (body["agency"], body["from"], body["to"], body["currency"]) == (agency, "2026-01-01", "2026-03-31", "USD")
    assert rows[("all", "MBE")]["utilization_percent"] == 20.41
    assert rows[("all", "MBE")]["difference_percent"] == 5.41
    assert rows[("all", "ALL")]["spend_certified"] == 16_000_00


async def test_csv_has_the_same_figures(client, token, agency):
    headers = token("finance", agency=agency)
    by_accept = await client.get("/api/v1/reports/supplier-diversity", params={**Q1, "group_by": "month"},
                                 headers={**headers, "Accept": "text/csv"})
    by_param = await client.get("/api/v1/reports/supplier-diversity",
                                params={**Q1, "group_by": "month", "format": "csv"}, headers=headers)
    as_json = await client.get("/api/v1/reports/supplier-diversity", params={**Q1, "group_by": "month"},
                               headers=headers)
    assert by_accept.headers["content-type"] == "text/csv; charset=utf-8"  # the charset once
    assert by_accept.text == by_param.text
    lines = list(csv.DictReader(io.StringIO(by_accept.text)))
    assert len(lines) == len(as_json.json()["rows"])
    march = next(line for line in lines if line["group"] == "2026-03" and line["program"] == "WBE")
    assert (march["spend_total"], march["spend_certified"], march["certified_vendors"]) == ("2400000", "-100000", "2")


async def test_chart_is_an_svg_with_a_bar_and_goal_per_program(client, token, agency):
    response = await client.get("/api/v1/reports/supplier-diversity/chart.svg", params=Q1,
                                headers=token("auditor"), )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    all_agencies = ET.fromstring(response.text)
    assert all_agencies.tag == f"{SVG}svg"
    mine = await client.get("/api/v1/reports/supplier-diversity/chart.svg", params={**Q1, "agency": agency},
                            headers=token("auditor"))
    svg = ET.fromstring(mine.text)
    bars = {r.get("data-program"): float(r.get("data-utilization")) for r in svg.iter(f"{SVG}rect")
            if r.get("class") == "bar"}
    goals = {g.get("data-program"): float(g.get("data-goal")) for g in svg.iter(f"{SVG}line")
             if g.get("class") == "goal"}
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert bars == {"MBE": 20.41, "WBE": 32.65}
    assert goals == {"MBE": 15.0, "WBE": 10.0}
    assert "Minority Business Enterprise (MBE)" in labels
    assert any(label and "Port of Example" in label for label in labels)


async def test_who_may_read_which_report(client, token, agency):
    url = "/api/v1/reports/supplier-diversity"
    assert (await client.get(url, params=Q1)).status_code == 401
    assert (await client.get(url, params=Q1, headers=token("vendor"))).status_code == 403
    other = await client.get(url, params={**Q1, "agency": agency}, headers=token("buyer", agency=unique("ag")))
    assert other.status_code == 403 and other.json()["error"]["code"] == "other_agency"
    everyone = await client.get(url, params={**Q1, "group_by": "agency"}, headers=token("admin"))
    assert everyone.status_code == 200
    assert agency in {row["group"] for row in everyone.json()["rows"]}
    missing = await client.get(url, params={**Q1, "agency": "no-such-agency"}, headers=token("admin"))
    assert missing.status_code == 404


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2026-04-01", "to": "2026-03-01"}, "from"),
    ({"group_by": "vendor"}, "group_by"),
    ({"format": "xml"}, "format"),
    ({"from": "yesterday"}, "from"),
    ({"currency": "usd"}, "currency"),
])
async def test_bad_parameters_are_named_in_a_422(client, token, params, field):
    response = await client.get("/api/v1/reports/supplier-diversity", params=params, headers=token("admin"))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert field in {d.get("field") for d in error["details"]} or field in error["message"]
