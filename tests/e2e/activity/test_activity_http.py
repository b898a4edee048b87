"""The activity log through HTTP: a command's event shows up with who did it."""

from __future__ import annotations

from tests.support import eventually, unique


async def _register(client, headers, agency_id: str) -> None:
    response = await client.post("/api/v1/agencies", headers=headers, json={
        "agency_id": agency_id, "name": "Parks Department", "jurisdiction": "Springfield"})
    assert response.status_code == 201, response.text


async def test_a_command_appears_in_the_activity_log_of_its_stream(client, token):
    agency_id = unique("ag")
    admin = token("admin", sub="registrar-1")
    await _register(client, admin, agency_id)
    await client.put(f"/api/v1/agencies/{agency_id}/goals", headers=admin, json={"goals": []})
    auditor = token("auditor")

    async def two_entries():
        page = (await client.get("/api/v1/activity", params={"stream": f"agency-{agency_id}"},
                                 headers=auditor)).json()
        return page if len(page["items"]) == 2 else None

    page = await eventually(two_entries, what="the agency's activity")
    first, second = page["items"]
    assert first["type"] == "agencies.AgencyRegistered.v1" and first["version"] == 1
    assert second["type"] == "agencies.AgencyGoalsSet.v1" and second["version"] == 2
    assert first["actor"] == "registrar-1" and first["actor_role"] == "admin"
    assert page["next"] is None


async def test_activity_pages_follow_the_global_order(client, token):
    admin = token("admin")
    agency_id = unique("ag")
    await _register(client, admin, agency_id)
    for _ in range(3):
        await client.put(f"/api/v1/agencies/{agency_id}/goals", headers=admin, json={"goals": []})
    auditor = token("auditor")
    stream = f"agency-{agency_id}"

    async def four():
        page = (await client.get("/api/v1/activity", params={"stream": stream}, headers=auditor)).json()
        return len(page["items"]) == 4

    await eventually(four, what="four entries")
    first = (await client.get("/api/v1/activity", params={"stream": stream, "limit": 3}, headers=auditor)).json()
    rest = (await client.get("/api/v1/activity", params={"stream": stream, "limit": 3, "after": first["next"]},
                             headers=auditor)).json()
    assert [i["version"] for i in first["items"] + rest["items"]] == [1, 2, 3, 4]
    assert rest["next"] is None


async def test_activity_is_for_auditors_and_admins_and_checks_its_input(client, token):
    assert (await client.get("/api/v1/activity")).status_code == 401
    assert (await client.get("/api/v1/activity", headers=token("vendor"))).status_code == 403
    bad = await client.get("/api/v1/activity", params={"after": "yesterday"}, headers=token("auditor"))
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "after"
    too_many = await client.get("/api/v1/activity", params={"limit": 501}, headers=token("auditor"))
    assert too_many.status_code == 422
