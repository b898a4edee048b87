"""The HTTP skeleton: health, readiness, schema, errors, tokens and the dev clock."""

from __future__ import annotations

from datetime import datetime, timedelta


async def test_health_and_ready(client):
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": True, "nats": True}


async def test_openapi_schema_is_served(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert schema["info"]["title"] == "Civic Marketplace API"
    assert "/api/v1/dev/clock" in schema["paths"]


async def test_unknown_route_is_a_json_404(client):
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_dev_clock_requires_admin(client, token):
    assert (await client.post("/api/v1/dev/clock", json={"advance_seconds": 1})).status_code == 401
    response = await client.post("/api/v1/dev/clock", json={"advance_seconds": 1}, headers=token("buyer"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "role_forbidden"


async def test_dev_clock_sets_and_advances(client, token):
    admin = token("admin")
    current = datetime.fromisoformat((await client.get("/api/v1/dev/clock", headers=admin)).json()["now"])
    target = (current + timedelta(days=3)).replace(microsecond=0)
    response = await client.post("/api/v1/dev/clock", json={"now": target.isoformat()}, headers=admin)
    assert response.status_code == 200
    now = datetime.fromisoformat(response.json()["now"])
    assert abs(now - target) < timedelta(seconds=2)
    advanced = await client.post("/api/v1/dev/clock", json={"advance_seconds": 3600}, headers=admin)
    later = datetime.fromisoformat(advanced.json()["now"])
    assert timedelta(minutes=59) < later - now < timedelta(minutes=61)


async def test_dev_clock_only_moves_forward(client, token):
    admin = token("admin")
    agency = await client.post("/api/v1/agencies", json={"name": "A", "jurisdiction": "US"}, headers=admin)
    assert agency.status_code == 201  # the marketplace holds an event
    current = datetime.fromisoformat((await client.get("/api/v1/dev/clock", headers=admin)).json()["now"])
    for body in ({"now": (current - timedelta(hours=1)).isoformat()}, {"advance_seconds": -1}):
        refused = await client.post("/api/v1/dev/clock", json=body, headers=admin)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["details"][0]["field"] in ("now", "advance_seconds")
    after = datetime.fromisoformat((await client.get("/api/v1/dev/clock", headers=admin)).json()["now"])
    assert after >= current


async def test_dev_clock_rejects_bad_input_with_field_details(client, token):
    admin = token("admin")
    both = await client.post("/api/v1/dev/clock", json={"advance_seconds": 1, "now": "2030-01-01T00:00:00Z"}, headers=admin)
    assert both.status_code == 422
    unknown = await client.post("/api/v1/dev/clock", json={"advance": 1}, headers=admin)
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "invalid"
    wrong_type = await client.post("/api/v1/dev/clock", json={"advance_seconds": "soon"}, headers=admin)
    assert wrong_type.status_code == 422
    assert wrong_type.json()["error"]["details"][0]["field"] == "advance_seconds"
    before = (await client.get("/api/v1/dev/clock", headers=admin)).json()["now"]
    for number in (0, 1.5, 1_700_000_000):  # not seconds since 1970: the schema says RFC 3339 text
        seconds = await client.post("/api/v1/dev/clock", json={"now": number}, headers=admin)
        assert seconds.status_code == 422, seconds.text
        assert seconds.json()["error"]["details"][0]["field"] == "now"
    assert (await client.get("/api/v1/dev/clock", headers=admin)).json()["now"] >= before


async def test_a_number_is_not_a_date_and_time_in_any_query(client, token):
    """Lenient conversion would read ``to=0.5`` as half a second after 1970; every query
    parameter the schema calls a date-time refuses a number, with its name."""
    admin = token("admin")
    for path, name in (("/api/v1/payments/audit", "to"), ("/api/v1/payments/audit/export", "from"),
                       ("/api/v1/reports/prompt-payment", "to"), ("/api/v1/solicitations", "deadline_to"),
                       ("/api/v1/search/solicitations", "deadline_from"), ("/api/v1/ocds/releases", "since")):
        for value in ("0.5", "1700000000", "-3", "1e9"):
            response = await client.get(path, params={name: value}, headers=admin)
            assert response.status_code == 422, (path, value, response.text)
            assert response.json()["error"]["details"][0]["field"] == name, (path, response.text)
        accepted = await client.get(path, params={name: "2027-01-31T17:00:00Z"}, headers=admin)
        assert accepted.status_code in (200, 404), (path, accepted.text)  # the feed: no releases then
        assert accepted.status_code == 200 or accepted.json()["error"]["code"] == "no_releases"


async def test_bad_tokens_are_refused(client, settings):
    import jwt

    from infra.http.auth import mint_token

    expired = mint_token(settings, role="admin", sub="a", ttl_s=-10)
    for value in (expired, "garbage", jwt.encode({"sub": "a", "role": "admin"}, "other-key", algorithm="HS256")):
        response = await client.get("/api/v1/dev/clock", headers={"Authorization": f"Bearer {value}"})
        assert response.status_code == 401, value
        assert response.json()["error"]["code"] in {"token_expired", "invalid_token"}
    unsigned = jwt.encode({"sub": "a", "role": "admin", "iss": settings.token_issuer, "exp": 4102444800}, None, algorithm="none")
    response = await client.get("/api/v1/dev/clock", headers={"Authorization": f"Bearer {unsigned}"})
    assert response.status_code == 401


async def test_oversized_body_is_413(client, token):
    response = await client.post("/api/v1/dev/clock", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                                 headers={**token("admin"), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
