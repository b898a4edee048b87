"""Search through the real HTTP APIs: what buyers publish and vendors register becomes findable,
and only what the caller may see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.solicitations.helpers import API, new_agency, now_of, solicitation_body
from tests.e2e.vendors.helpers import approved_vendor
from tests.support import eventually, unique


async def _search(client, path: str, headers=None, **params):
    response = await client.get(f"{API}/search/{path}", params=params, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_published_solicitation_becomes_findable_and_a_draft_stays_private(client, token):
    agency_id, buyer = await new_agency(client, token)
    word = unique("rink")
    body = solicitation_body(await now_of(client, token), title=f"Ice {word} resurfacing machine",
                             commodity_codes=["22101500"])
    created = await client.post(f"{API}/solicitations", json=body, headers=buyer)
    assert created.status_code == 201, created.text
    sid = created.json()["id"]

    async def draft_for_buyer():
        return (await _search(client, "solicitations", buyer, q=word))["items"]

    [draft] = await eventually(draft_for_buyer, what="the draft in the buyer's search")
    assert (draft["id"], draft["status"], draft["agency_id"]) == (sid, "draft", agency_id)
    assert (await _search(client, "solicitations", q=word))["items"] == []
    other_buyer = token("buyer", agency=unique("ag"))
    assert (await _search(client, "solicitations", other_buyer, q=word))["items"] == []
    assert (await _search(client, "solicitations", token("vendor"), q=word))["items"] == []

    assert (await client.post(f"{API}/solicitations/{sid}/publish", headers=buyer)).status_code == 200

    async def public_hit():
        found = await _search(client, "solicitations", q=f"{word} machine", status="open", agency=agency_id)
        return found if found["items"] else None

    found = await eventually(public_hit, what="the published solicitation in public search")
    [hit] = found["items"]
    assert (hit["id"], hit["status"], hit["type"]) == (sid, "open", "RFP")
    assert "<mark>" in hit["snippet"] or word in hit["title"].lower()
    assert found["total"] == 1 and found["facets"]["agency"] == [
        {"value": agency_id, "count": 1, "label": "Department of Public Works"}]
    # the commodity description ("building and construction machinery") is searchable too
    by_code = await _search(client, "solicitations", q=f"{word} construction", commodity="2210")
    assert [h["id"] for h in by_code["items"]] == [sid]


async def test_the_vendor_directory_shows_public_fields_and_verified_programs(client, token):
    name = f"Northwind {unique('')} Paving"
    vendor, owner = await approved_vendor(client, token, legal_name=name, commodity_codes=["72141100"],
                                          address={"line1": "9 Hidden Way", "city": "Tacoma", "state": "WA",
                                                   "zip": "98402"})
    today = (await now_of(client, token)).date()
    cert = {"program": "DBE", "issuing_body": "WSDOT", "number": "DBE-1",
            "effective_date": (today - timedelta(days=5)).isoformat(),
            "expiry_date": (today + timedelta(days=300)).isoformat(),
            "documents": [{"name": "c.pdf", "media_type": "application/pdf", "sha256": "cd" * 32, "size": 9}]}
    added = await client.post(f"{API}/vendors/{vendor['id']}/certifications", json=cert, headers=owner)
    assert added.status_code == 201, added.text
    verify = f"{API}/vendors/{vendor['id']}/certifications/{added.json()['cert_id']}/verify"
    assert (await client.post(verify, headers=token("admin"))).status_code == 200

    async def listed():
        found = await _search(client, "vendors", q=name.split()[1][:6], program="DBE", state="wa")
        return found["items"] or None

    [hit] = await eventually(listed, what="the vendor in the directory with its DBE certification")
    assert hit["id"] == vendor["id"] and hit["city"] == "Tacoma" and hit["status"] == "approved"
    assert hit["certifications"][0]["program"] == "DBE"
    assert not {"tax_id", "contacts", "address", "line1", "employees", "revenue_band", "excluded"} & set(hit)
    by_code = await _search(client, "vendors", q=name, commodity="7214", zip="984")
    assert [h["id"] for h in by_code["items"]] == [vendor["id"]]
    assert (await _search(client, "vendors", q=name, program="MBE"))["items"] == []
    staff = await _search(client, "vendors", token("buyer", agency=unique("ag")), q=name)
    assert staff["items"][0]["excluded"] is False


@pytest.mark.parametrize(("path", "params", "field"), [
    ("solicitations", {"limit": "0"}, "limit"),
    ("solicitations", {"status": "sleeping"}, "status"),
    ("solicitations", {"type": "RFX"}, "type"),
    ("solicitations", {"deadline_from": "2026-01-01T00:00:00"}, "deadline_from"),
    ("solicitations", {"value_min": "500", "value_max": "100"}, "value_min"),
    ("solicitations", {"cursor": "garbage"}, "cursor"),
    ("solicitations", {"sort": "relevance"}, "sort"),
    ("solicitations", {"status": "draft"}, "status"),
    ("solicitations", {"q": "the and of"}, "q"),
    ("vendors", {"program": "NOPE"}, "program"),
    ("vendors", {"status": "rejected"}, "status"),
    ("vendors", {"limit": "1000"}, "limit"),
])
async def test_bad_search_parameters_are_a_422_naming_the_parameter(client, path, params, field):
    response = await client.get(f"{API}/search/{path}", params=params)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert field in {d.get("field") for d in error["details"] or []} or field in error["message"]


async def test_search_routes_are_in_the_openapi_schema(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert {"/api/v1/search/solicitations", "/api/v1/search/vendors", "/api/v1/reports/supplier-diversity",
            "/api/v1/reports/supplier-diversity/chart.svg"} <= set(paths)
