"""Bad registration input is a 422 naming the field, and stores nothing; local business claims."""

from __future__ import annotations

import pytest

from tests.e2e.vendors.helpers import API, register, registration
from tests.support import unique

ADDRESS = {"line1": "100 Market St", "city": "Springfield", "state": "IL", "zip": "62701"}


@pytest.mark.parametrize("overrides, field", [
    ({"tax_id": "123456789"}, "tax_id"),
    ({"tax_id": "12-34567890"}, "tax_id"),
    ({"address": ADDRESS | {"zip": "6270"}}, "address.zip"),
    ({"address": ADDRESS | {"state": "Illinois"}}, "address.state"),
    ({"address": ADDRESS | {"state": "XX"}}, "address.state"),
    ({"address": ADDRESS | {"country": "US"}}, "address.country"),
    ({"commodity_codes": ["915"]}, "commodity_codes[0]"),
    ({"commodity_codes": ["91500", "4321150X"]}, "commodity_codes[1]"),
    ({"legal_name": "x" * 301}, "legal_name"),
    ({"legal_name": ""}, "legal_name"),
    ({"employees": "many"}, "employees"),
    ({"revenue_band": "lots"}, "revenue_band"),
    ({"contacts": [{"name": "A", "email": "nope"}]}, "contacts[0].email"),
    ({"contacts": []}, "contacts"),
    ({"favourite_colour": "green"}, "favourite_colour"),
    ({"local_agencies": ["no-such-agency"]}, "local_agencies[0]"),
    ({"vendor_id": "has space"}, "vendor_id"),
])
async def test_bad_registration_is_422_naming_the_field(client, token, overrides, field):
    owner = token("vendor", sub=unique("owner"))
    body = registration(**overrides)
    response = await client.post(f"{API}/vendors", json=body, headers=owner)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["details"][0]["field"] == field, error
    retry = await client.post(f"{API}/vendors", json=registration(tax_id=body["tax_id"]) if "tax_id" not in overrides
                              else registration(), headers=owner)
    assert retry.status_code == 201, "a refused registration holds no tax id"


async def test_missing_required_fields_are_named(client, token):
    body = registration()
    del body["tax_id"]
    response = await client.post(f"{API}/vendors", json=body, headers=token("vendor"))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "tax_id"
    garbage = await client.post(f"{API}/vendors", content=b"{not json",
                                headers={**token("vendor"), "Content-Type": "application/json"})
    assert garbage.status_code == 400
    assert garbage.json()["error"]["code"] == "bad_request"


async def test_patch_refuses_a_tax_id_change_and_bad_values(client, token):
    vendor, owner = await register(client, token)
    url = f"{API}/vendors/{vendor['id']}"
    for body, field in [({"tax_id": "12-3456789"}, "tax_id"), ({"address": ADDRESS | {"zip": "x"}}, "address.zip"),
                        ({"commodity_codes": ["1"]}, "commodity_codes[0]"), ({"employees": -5}, "employees")]:
        response = await client.patch(url, json=body, headers=owner)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"][0]["field"] == field
    assert (await client.get(url, headers=owner)).json()["version"] == 1


async def test_local_business_claims_follow_the_agency_jurisdiction(client, token):
    admin = token("admin")
    springfield, chicago = unique("ag"), unique("ag")
    assert (await client.post(f"{API}/agencies", json={
        "agency_id": springfield, "name": "City of Springfield", "jurisdiction": "US-IL-Springfield",
        "local_zip_prefixes": ["627"]}, headers=admin)).status_code == 201
    created = await client.post(f"{API}/agencies", json={
        "agency_id": chicago, "name": "City of Chicago", "jurisdiction": "US-IL-Chicago",
        "local_zip_prefixes": ["606"]}, headers=admin)
    assert created.json()["state"] == "IL" and created.json()["local_zip_prefixes"] == ["606"]

    vendor, owner = await register(client, token, local_agencies=[springfield])
    assert vendor["local_agencies"] == [springfield]
    outside = await client.post(f"{API}/vendors", json=registration(local_agencies=[chicago]), headers=token("vendor"))
    assert outside.status_code == 422
    assert outside.json()["error"]["details"][0]["field"] == "local_agencies[0]"

    moved = await client.patch(f"{API}/vendors/{vendor['id']}", json={
        "address": {"line1": "1 Wacker Dr", "city": "Chicago", "state": "IL", "zip": "60601"}}, headers=owner)
    assert moved.status_code == 422, "moving away ends the Springfield claim unless it is dropped"
    moved = await client.patch(f"{API}/vendors/{vendor['id']}", json={
        "address": {"line1": "1 Wacker Dr", "city": "Chicago", "state": "IL", "zip": "60601"},
        "local_agencies": [chicago]}, headers=owner)
    assert moved.status_code == 200 and moved.json()["local_agencies"] == [chicago]


async def test_agency_zip_prefixes_are_validated(client, token):
    response = await client.post(f"{API}/agencies", json={
        "name": "X", "jurisdiction": "US-IL", "local_zip_prefixes": ["62a"]}, headers=token("admin"))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "local_zip_prefixes[0]"
