"""Registration through HTTP: register, submit, approve or reject, duplicates, history."""

from __future__ import annotations

import asyncio

from tests.e2e.vendors.helpers import API, approved_vendor, new_ein, register, registration
from tests.support import unique


async def test_vendor_registers_submits_and_is_approved(client, token):
    vendor, owner = await register(client, token)
    assert vendor["status"] == "draft"
    assert vendor["view"] == "full" and vendor["tax_id"]
    submitted = await client.post(f"{API}/vendors/{vendor['id']}/submit", headers=owner)
    assert submitted.json()["status"] == "submitted"
    approved = await client.post(f"{API}/vendors/{vendor['id']}/approve", headers=token("admin"))
    body = approved.json()
    assert approved.status_code == 200 and body["status"] == "approved"
    assert body["expires_at"] > body["approved_at"]


async def test_rejection_needs_a_reason_and_frees_the_tax_id(client, token):
    ein = new_ein()
    vendor, owner = await register(client, token, tax_id=ein)
    await client.post(f"{API}/vendors/{vendor['id']}/submit", headers=owner)
    no_reason = await client.post(f"{API}/vendors/{vendor['id']}/reject", json={}, headers=token("admin"))
    assert no_reason.status_code == 422
    rejected = await client.post(f"{API}/vendors/{vendor['id']}/reject", json={"reason": "unverifiable address"},
                                 headers=token("admin"))
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "unverifiable address"
    again, _ = await register(client, token, tax_id=ein)
    assert again["id"] != vendor["id"]


async def test_a_second_registration_with_the_same_tax_id_is_refused(client, token):
    ein = new_ein()
    await register(client, token, tax_id=ein)
    second = await client.post(f"{API}/vendors", json=registration(tax_id=ein), headers=token("vendor"))
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "duplicate_tax_id"


async def test_concurrent_registrations_with_one_tax_id_store_only_one(client, token):
    ein = new_ein()
    responses = await asyncio.gather(*[
        client.post(f"{API}/vendors", json=registration(tax_id=ein), headers=token("vendor"))
        for _ in range(6)
    ])
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409, 409, 409, 409, 409], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["error"]["code"] == "duplicate_tax_id"


async def test_idempotency_key_registers_once(client, token):
    owner = token("vendor", sub=unique("owner"))
    headers = {**owner, "Idempotency-Key": unique("k")}
    body = registration()
    first = await client.post(f"{API}/vendors", json=body, headers=headers)
    second = await client.post(f"{API}/vendors", json=body, headers=headers)
    assert first.status_code == second.status_code == 201, second.text
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["version"] == first.json()["version"]


async def test_history_lists_every_change_with_actor(client, token):
    vendor, owner = await approved_vendor(client, token)
    patched = await client.patch(f"{API}/vendors/{vendor['id']}", json={"employees": 20}, headers=owner)
    assert patched.status_code == 200 and patched.json()["employees"] == 20
    history = await client.get(f"{API}/vendors/{vendor['id']}/history", headers=owner)
    assert history.status_code == 200
    events = history.json()["events"]
    assert [e["type"] for e in events] == [
        "vendors.VendorRegistered.v1", "vendors.VendorSubmitted.v1", "vendors.VendorApproved.v1",
        "vendors.VendorProfileUpdated.v1"]
    assert events[-1]["data"]["employees"] == 20
    assert events[-1]["actor_role"] == "vendor"
    assert events[2]["actor_role"] == "admin"
    assert events[0]["data"]["tax_id"] == vendor["tax_id"]
