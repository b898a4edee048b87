"""Each role against each vendor endpoint, including a vendor using another vendor's id."""

from __future__ import annotations

import pytest

from tests.e2e.vendors.helpers import API, approved_vendor, register
from tests.support import unique

OTHER_ROLES = ("buyer", "evaluator", "finance", "auditor")
CERT = {"program": "MBE", "issuing_body": "City", "number": "M-1", "effective_date": "2020-01-01",
        "expiry_date": "2099-01-01"}


def writes(vendor_id: str, cert_id: str) -> list[tuple[str, str, dict | None]]:
    """Every vendor write route with a well-formed body."""
    return [
        ("PATCH", f"{API}/vendors/{vendor_id}", {"employees": 3}),
        ("POST", f"{API}/vendors/{vendor_id}/submit", None),
        ("POST", f"{API}/vendors/{vendor_id}/renew", None),
        ("POST", f"{API}/vendors/{vendor_id}/users", {"user": unique("u")}),
        ("POST", f"{API}/vendors/{vendor_id}/certifications", CERT | {"number": unique("n")}),
        ("POST", f"{API}/vendors/{vendor_id}/approve", None),
        ("POST", f"{API}/vendors/{vendor_id}/reject", {"reason": "no"}),
        ("POST", f"{API}/vendors/{vendor_id}/certifications/{cert_id}/verify", None),
        ("POST", f"{API}/vendors/{vendor_id}/certifications/{cert_id}/reject", {"reason": "no"}),
    ]


async def call(client, method, url, body, headers):
    return await client.request(method, url, json=body, headers=headers)


@pytest.fixture
async def target(client, token):
    vendor, owner = await approved_vendor(client, token)
    cert = await client.post(f"{API}/vendors/{vendor['id']}/certifications", json=CERT, headers=owner)
    assert cert.status_code == 201, cert.text
    return vendor, owner, cert.json()["cert_id"]


async def test_unauthenticated_callers_write_nothing_and_read_the_public_profile(client, target):
    vendor, _, cert_id = target
    for method, url, body in writes(vendor["id"], cert_id):
        assert (await call(client, method, url, body, {})).status_code == 401, url
    assert (await client.post(f"{API}/vendors", json={})).status_code == 401
    public = await client.get(f"{API}/vendors/{vendor['id']}")
    assert public.status_code == 200
    assert public.json()["view"] == "public"
    assert (await client.get(f"{API}/vendors/{vendor['id']}/history")).status_code == 401


async def test_other_roles_are_refused_writes_and_see_only_the_public_profile(client, token, target):
    vendor, _, cert_id = target
    for role in OTHER_ROLES:
        headers = token(role, agency="ag1")
        for method, url, body in writes(vendor["id"], cert_id):
            response = await call(client, method, url, body, headers)
            assert response.status_code == 403, (role, url, response.text)
        assert (await client.post(f"{API}/vendors", json={}, headers=headers)).status_code == 403
        profile = (await client.get(f"{API}/vendors/{vendor['id']}", headers=headers)).json()
        assert profile["view"] == "public"
        assert {"tax_id", "contacts", "address", "users"} & set(profile) == set()
        assert (await client.get(f"{API}/vendors/{vendor['id']}/history", headers=headers)).status_code == 403
        for url in (f"{API}/exclusions", f"{API}/exclusions/import"):
            assert (await client.post(url, json={}, headers=headers)).status_code == 403
        assert (await client.get(f"{API}/exclusions", headers=headers)).status_code == 403


async def test_a_vendor_cannot_read_or_change_another_vendors_record(client, token, target):
    vendor, _, cert_id = target
    _, intruder = await register(client, token)
    for method, url, body in writes(vendor["id"], cert_id):
        response = await call(client, method, url, body, intruder)
        assert response.status_code == 403, (url, response.text)
    profile = (await client.get(f"{API}/vendors/{vendor['id']}", headers=intruder)).json()
    assert profile["view"] == "public" and "tax_id" not in profile
    assert (await client.get(f"{API}/vendors/{vendor['id']}/history", headers=intruder)).status_code == 403
    assert (await client.get(f"{API}/exclusions", headers=intruder)).status_code == 403
    unchanged = await client.get(f"{API}/vendors/{vendor['id']}/history", headers=token("admin"))
    assert len(unchanged.json()["events"]) == 4, "nothing the intruder tried was stored"


async def test_drafts_are_not_public(client, token):
    vendor, owner = await register(client, token)
    assert (await client.get(f"{API}/vendors/{vendor['id']}")).status_code == 404
    assert (await client.get(f"{API}/vendors/{vendor['id']}", headers=token("vendor"))).status_code == 404
    assert (await client.get(f"{API}/vendors/{vendor['id']}", headers=owner)).json()["view"] == "full"


async def test_admin_sees_everything(client, token, target):
    vendor, owner, cert_id = target
    admin = token("admin")
    full = (await client.get(f"{API}/vendors/{vendor['id']}", headers=admin)).json()
    assert full["view"] == "full" and full["tax_id"] == vendor["tax_id"]
    assert full["certifications"][0]["cert_id"] == cert_id
    history = await client.get(f"{API}/vendors/{vendor['id']}/history", headers=admin)
    assert history.status_code == 200 and history.json()["events"][0]["data"]["tax_id"] == vendor["tax_id"]


async def test_invited_colleague_acts_for_the_vendor_but_cannot_invite(client, token):
    vendor, owner = await register(client, token)
    colleague_sub = unique("colleague")
    colleague = token("vendor", sub=colleague_sub)
    assert (await client.get(f"{API}/vendors/{vendor['id']}", headers=colleague)).status_code == 404
    invited = await client.post(f"{API}/vendors/{vendor['id']}/users", json={"user": colleague_sub}, headers=owner)
    assert invited.status_code == 201 and colleague_sub in invited.json()["users"]
    again = await client.post(f"{API}/vendors/{vendor['id']}/users", json={"user": colleague_sub}, headers=owner)
    assert again.status_code == 409
    mine = await client.get(f"{API}/vendors/{vendor['id']}", headers=colleague)
    assert mine.json()["view"] == "full"
    assert (await client.post(f"{API}/vendors/{vendor['id']}/submit", headers=colleague)).status_code == 200
    refused = await client.post(f"{API}/vendors/{vendor['id']}/users", json={"user": "x"}, headers=colleague)
    assert refused.status_code == 403


async def test_unknown_vendor_is_404_for_every_route(client, token):
    missing = unique("nope")
    admin = token("admin")
    for method, url, body in writes(missing, "c1"):
        assert (await call(client, method, url, body, admin)).status_code == 404, url
    assert (await client.get(f"{API}/vendors/{missing}")).status_code == 404
    assert (await client.get(f"{API}/vendors/{missing}/history", headers=admin)).status_code == 404
