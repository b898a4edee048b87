from tests.support import unique


async def test_admin_registers_and_reads_an_agency(client, token):
    admin = token("admin")
    agency_id = unique("ag")
    body = {"agency_id": agency_id, "name": "Port Authority", "jurisdiction": "US-WA-Seattle",
            "goals": [{"program": "WBE", "percent": 10}]}
    created = await client.post("/api/v1/agencies", json=body, headers=admin)
    assert created.status_code == 201, created.text
    read = await client.get(f"/api/v1/agencies/{agency_id}", headers=token("buyer", agency=agency_id))
    assert read.status_code == 200
    assert read.json()["goals"] == [{"program": "WBE", "percent": 10.0}]
    again = await client.post("/api/v1/agencies", json=body, headers=admin)
    assert again.status_code == 409


async def test_idempotency_key_returns_the_first_outcome(client, token):
    admin = token("admin", sub="admin-1")
    headers = {**admin, "Idempotency-Key": unique("k")}
    body = {"agency_id": unique("ag"), "name": "Schools", "jurisdiction": "US-TX-Austin"}
    first = await client.post("/api/v1/agencies", json=body, headers=headers)
    second = await client.post("/api/v1/agencies", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["version"] == second.json()["version"] == 1


async def test_agency_access_and_validation(client, token):
    body = {"name": "X", "jurisdiction": "Y"}
    assert (await client.post("/api/v1/agencies", json=body)).status_code == 401
    assert (await client.post("/api/v1/agencies", json=body, headers=token("vendor"))).status_code == 403
    bad = await client.post("/api/v1/agencies", json={**body, "goals": [{"program": "NOPE", "percent": 1}]},
                            headers=token("admin"))
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "goals[0].program"
    assert (await client.get("/api/v1/agencies/missing", headers=token("admin"))).status_code == 404


async def test_unknown_fields_inside_a_goal_are_refused(client, token):
    body = {"name": "Transit", "jurisdiction": "US-OR-Portland",
            "goals": [{"program": "MBE", "percent": 5, "weight": 2}]}
    response = await client.post("/api/v1/agencies", json=body, headers=token("admin"))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "goals[0].weight"


async def test_an_agency_has_an_iana_time_zone_and_a_rule_pack(client, token):
    admin = token("admin")
    seattle = await client.post("/api/v1/agencies", headers=admin, json={
        "agency_id": unique("ag"), "name": "Seattle DOT", "jurisdiction": "US-WA-Seattle"})
    assert seattle.status_code == 201, seattle.text
    assert (seattle.json()["time_zone"], seattle.json()["rule_pack"]) == ("America/Los_Angeles", "US-WA")
    # RCW 39.76.011: one percent a month on a payment later than 30 days
    assert (seattle.json()["prompt_payment_days"], seattle.json()["late_interest_annual_rate"]) == (30, 0.12)
    el_paso = await client.post("/api/v1/agencies", headers=admin, json={
        "agency_id": unique("ag"), "name": "El Paso", "jurisdiction": "US-TX", "time_zone": "America/Denver"})
    assert (el_paso.json()["time_zone"], el_paso.json()["rule_pack"]) == ("America/Denver", "US-TX")
    bad = await client.post("/api/v1/agencies", headers=admin, json={
        "name": "Atlantis", "jurisdiction": "EU", "time_zone": "Europe/Atlantis"})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "time_zone"
