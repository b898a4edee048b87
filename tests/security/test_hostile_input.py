"""Hostile request bodies get a clear 4xx and store nothing; hostile text round-trips."""

from __future__ import annotations

import pytest

from tests.security.hostile_text import HOSTILE_TEXT, UNSTORABLE_TEXT
from tests.support import unique

AGENCIES = "/api/v1/agencies"


def _agency(**overrides):
    return {"agency_id": unique("ag"), "name": "Harbor District", "jurisdiction": "US-WA-Seattle",
            **overrides}


async def _stored_events(civic, agency_id: str) -> list:
    return await civic.store.read_stream(f"agency-{agency_id}")


def _assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


@pytest.mark.parametrize("field", ["name", "jurisdiction"])
async def test_hostile_text_round_trips_byte_for_byte(client, token, field):
    admin = token("admin")
    for label, text in HOSTILE_TEXT.items():
        body = _agency(**{field: text})
        created = await client.post(AGENCIES, json=body, headers=admin)
        assert created.status_code == 201, (label, created.text)
        read = await client.get(f"{AGENCIES}/{body['agency_id']}", headers=admin)
        assert read.json()[field].encode("utf-8") == text.encode("utf-8"), label


async def test_hostile_text_is_stored_unchanged_in_the_event(client, token, civic):
    admin = token("admin")
    body = _agency(name=HOSTILE_TEXT["decomposed e-acute"], jurisdiction=HOSTILE_TEXT["sql quote"])
    assert (await client.post(AGENCIES, json=body, headers=admin)).status_code == 201
    [event] = await _stored_events(civic, body["agency_id"])
    assert event.event.name == "Cafe\u0301 Municipal" != "Caf\u00e9 Municipal"
    assert event.event.jurisdiction == HOSTILE_TEXT["sql quote"]
    assert await civic.pool.fetchval("SELECT count(*) FROM events") > 0, "the events table survived"


async def test_nul_characters_are_refused_with_422_and_nothing_is_stored(client, token, civic):
    admin = token("admin")
    body = _agency(name=UNSTORABLE_TEXT)
    _assert_error(await client.post(AGENCIES, json=body, headers=admin), 422, "invalid")
    assert await _stored_events(civic, body["agency_id"]) == []
    path = await client.get(f"{AGENCIES}/bad%00id", headers=admin)
    assert path.status_code in (404, 422), path.text


@pytest.mark.parametrize("depth", [64, 5_000, 200_000])
async def test_deeply_nested_json_is_a_4xx(client, token, depth):
    nested = b"[" * depth + b"]" * depth
    for body in (nested, b'{"name":"a","jurisdiction":"b","goals":' + nested + b"}"):
        response = await client.post(AGENCIES, content=body,
                                     headers={**token("admin"), "Content-Type": "application/json"})
        assert 400 <= response.status_code < 500, response.text
        _assert_error(response, response.status_code)


async def test_oversized_bodies_are_413_and_store_nothing(client, token, civic):
    # A chunked body without a length is refused the same way: test_http_server.py sends
    # one to a real server (the in-process test client cannot stream a request body).
    admin = {**token("admin"), "Content-Type": "application/json"}
    agency_id = unique("ag")
    padded = ('{"agency_id":"' + agency_id + '","name":"' + "n" * (2 << 20) + '","jurisdiction":"x"}').encode()
    _assert_error(await client.post(AGENCIES, content=padded, headers=admin), 413, "payload_too_large")
    assert await _stored_events(civic, agency_id) == []


async def test_unknown_fields_are_422_naming_the_field(client, token, civic):
    body = _agency(role="admin")
    error = _assert_error(await client.post(AGENCIES, json=body, headers=token("admin")), 422, "invalid")
    assert any(d.get("field") == "role" for d in error["details"]), error
    assert await _stored_events(civic, body["agency_id"]) == []


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/xml", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x", "text/html; charset=utf-8", None,
    "application/merge-patch+json", "application/json; charset=latin-1",
    "application/json; charset=utf-16", "application/json; profile=x", "application/jsonx",
])
async def test_bodies_not_sent_as_json_are_415(client, token, content_type):
    import json

    body = _agency()
    headers = {**token("admin")}
    if content_type:
        headers["Content-Type"] = content_type
    response = await client.post(AGENCIES, content=json.dumps(body).encode(), headers=headers)
    _assert_error(response, 415, "unsupported_media_type")
    read = await client.get(f"{AGENCIES}/{body['agency_id']}", headers=token("admin"))
    assert read.status_code == 404


@pytest.mark.parametrize(("label", "raw"), [
    ("truncated", b'{"name":"a","jurisdiction":'),
    ("not utf-8", b'\xff\xfe{"name":"a"}'),
    ("lone surrogate", b'{"name":"\\ud800","jurisdiction":"x"}'),
    ("number overflow", b'{"name":"a","jurisdiction":"x","prompt_payment_days":1e999}'),
    ("huge integer", b'{"name":"a","jurisdiction":"x","prompt_payment_days":' + b"9" * 400 + b"}"),
    ("NaN", b'{"name":"a","jurisdiction":"x","late_interest_annual_rate":NaN}'),
    ("duplicate keys", b'{"name":"a","name":"b","jurisdiction":"x","agency_id":"dup"}'),
    ("wrong types", b'{"name":["a"],"jurisdiction":{"x":1}}'),
    ("null name", b'{"name":null,"jurisdiction":"x"}'),
    ("top-level array", b'[{"name":"a","jurisdiction":"x"}]'),
    ("empty", b" "),
    ("over-long name", b'{"name":"' + b"a" * 301 + b'","jurisdiction":"x"}'),
    ("bad agency id", b'{"agency_id":"../../etc","name":"a","jurisdiction":"x"}'),
])
async def test_malformed_json_is_a_clear_4xx(client, token, label, raw):
    response = await client.post(AGENCIES, content=raw,
                                 headers={**token("admin"), "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, (label, response.text)
    _assert_error(response, response.status_code)


@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "Application/JSON; Charset=\"UTF-8\"",
])
async def test_json_with_an_optional_utf8_charset_is_accepted(client, token, content_type):
    import json

    body = _agency()
    response = await client.post(AGENCIES, content=json.dumps(body).encode(),
                                 headers={**token("admin"), "Content-Type": content_type})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("raw", [
    b'{"name":"a","name":"b","jurisdiction":"x","agency_id":"%s"}',
    b'{"name":"a","jurisdiction":"x","agency_id":"%s","goals":[{"program":"MBE","program":"WBE","percent":1}]}',
])
async def test_duplicate_json_keys_are_refused_and_store_nothing(client, token, civic, raw):
    agency_id = unique("ag")
    response = await client.post(AGENCIES, content=raw % agency_id.encode(),
                                 headers={**token("admin"), "Content-Type": "application/json"})
    error = _assert_error(response, 422, "duplicate_key")
    assert error["details"][0]["field"] in ("name", "program")
    assert await _stored_events(civic, agency_id) == []


async def test_sql_metacharacters_in_paths_are_just_unknown_ids(client, token):
    for raw in ("%27%20OR%20%271%27=%271", "1;DROP%20TABLE%20events", "%25", "a" * 2000):
        response = await client.get(f"{AGENCIES}/{raw}", headers=token("admin"))
        _assert_error(response, 404, "not_found")
