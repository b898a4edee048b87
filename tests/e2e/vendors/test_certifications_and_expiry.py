"""Certifications and registration expiry through HTTP, driven by the development clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tests.e2e.vendors.helpers import API, advance, approved_vendor, clock_now, register
from tests.support import eventually

DAY = 86400


def cert_body(today: date, **overrides):
    body = {
        "program": "WBE", "issuing_body": "State of Illinois", "number": f"WBE-{today.isoformat()}",
        "effective_date": (today - timedelta(days=30)).isoformat(),
        "expiry_date": (today + timedelta(days=10)).isoformat(),
        "documents": [{"name": "certificate.pdf", "media_type": "application/pdf", "sha256": "ab" * 32,
                       "size": 120_000}],
    }
    return body | overrides


async def today(client, token) -> date:
    return datetime.fromisoformat(await clock_now(client, token)).date()


async def test_certification_is_pending_then_verified_then_expires_by_time(client, token, civic):
    vendor, owner = await approved_vendor(client, token)
    day = await today(client, token)
    added = await client.post(f"{API}/vendors/{vendor['id']}/certifications", json=cert_body(day), headers=owner)
    assert added.status_code == 201, added.text
    cert = added.json()
    assert cert["status"] == "pending" and cert["documents"][0]["sha256"] == "ab" * 32
    public = await client.get(f"{API}/vendors/{vendor['id']}")
    assert public.json()["certifications"] == [], "pending certifications are not public"

    verify = f"{API}/vendors/{vendor['id']}/certifications/{cert['cert_id']}/verify"
    assert (await client.post(verify, headers=owner)).status_code == 403
    verified = await client.post(verify, headers=token("admin"))
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    public = (await client.get(f"{API}/vendors/{vendor['id']}")).json()
    assert [c["program"] for c in public["certifications"]] == ["WBE"]
    assert "documents" not in public["certifications"][0] and "number" not in public["certifications"][0]

    fired = await advance(client, token, 12 * DAY)
    assert fired["timers_fired"] >= 1
    mine = (await client.get(f"{API}/vendors/{vendor['id']}", headers=owner)).json()
    [expired] = mine["certifications"]
    assert expired["status"] == "expired" and expired["verified_at"] is not None
    history = (await client.get(f"{API}/vendors/{vendor['id']}/history", headers=owner)).json()["events"]
    assert history[-1]["type"] == "vendors.CertificationExpired.v1"
    assert history[-1]["actor_role"] == "system"

    from services.vendors.facts import vendor_standing

    async def standing():
        found = await vendor_standing(civic.pool, vendor["id"], datetime.fromisoformat(await clock_now(client, token)))
        return found if found and found.certifications and found.certifications[0].status == "expired" else None

    found = await eventually(standing, what="expired certification in vendor standing")
    assert found.certified("WBE", day), "a past day keeps what was valid then"
    assert not found.certified("WBE", day + timedelta(days=12))


async def test_bad_certifications_are_422_naming_the_field(client, token):
    vendor, owner = await register(client, token)
    day = await today(client, token)
    url = f"{API}/vendors/{vendor['id']}/certifications"
    cases = [
        ({"program": "NOPE"}, "program"),
        ({"expiry_date": (day - timedelta(days=40)).isoformat()}, "expiry_date"),
        ({"effective_date": "2030-13-01"}, "effective_date"),
        ({"documents": [{"name": "c.pdf", "media_type": "application/pdf", "sha256": "zz", "size": 1}]},
         "documents[0].sha256"),
        ({"documents": [{"name": "c.pdf", "media_type": "application/pdf", "sha256": "ab" * 32, "size": "big"}]},
         "documents[0].size"),
        ({"issuing_body": "x" * 301}, "issuing_body"),
        ({"colour": "blue"}, "colour"),
    ]
    for overrides, field in cases:
        response = await client.post(url, json=cert_body(day, **overrides), headers=owner)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["error"]["details"][0]["field"] == field, response.text
    mine = (await client.get(f"{API}/vendors/{vendor['id']}", headers=owner)).json()
    assert mine["certifications"] == [] and mine["version"] == 1, "nothing was stored"


async def test_admin_rejects_a_certification(client, token):
    vendor, owner = await register(client, token)
    day = await today(client, token)
    cert = (await client.post(f"{API}/vendors/{vendor['id']}/certifications", json=cert_body(day),
                              headers=owner)).json()
    url = f"{API}/vendors/{vendor['id']}/certifications/{cert['cert_id']}/reject"
    assert (await client.post(url, json={"reason": "bad"}, headers=owner)).status_code == 403
    rejected = await client.post(url, json={"reason": "number not in the state registry"}, headers=token("admin"))
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    again = await client.post(f"{API}/vendors/{vendor['id']}/certifications/{cert['cert_id']}/verify",
                              headers=token("admin"))
    assert again.status_code == 409


async def test_registration_expires_after_its_period_and_renewal_restores_it(client, token, civic):
    vendor, owner = await approved_vendor(client, token)
    early = await client.post(f"{API}/vendors/{vendor['id']}/renew", headers=owner)
    assert early.status_code == 409 and early.json()["error"]["code"] == "renewal_not_open"

    await advance(client, token, 366 * DAY)
    expired = (await client.get(f"{API}/vendors/{vendor['id']}", headers=owner)).json()
    assert expired["status"] == "expired"
    public = (await client.get(f"{API}/vendors/{vendor['id']}")).json()
    assert public["status"] == "expired"

    from services.vendors.facts import vendor_standing

    now = datetime.fromisoformat(await clock_now(client, token))

    async def standing_is(status):
        found = await vendor_standing(civic.pool, vendor["id"], now)
        return found if found and found.status == status else None

    assert not (await eventually(lambda: standing_is("expired"), what="expired standing")).can_bid(now)

    renewed = await client.post(f"{API}/vendors/{vendor['id']}/renew", headers=owner)
    assert renewed.status_code == 200, renewed.text
    body = renewed.json()
    assert body["status"] == "approved"
    assert datetime.fromisoformat(body["expires_at"]) > now + timedelta(days=364)
    assert (await eventually(lambda: standing_is("approved"), what="renewed standing")).can_bid(now)
