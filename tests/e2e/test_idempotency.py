"""One answer per retried command: a repeated Idempotency-Key returns the first outcome
(same id, same body) even when the server chose the id; the same key with another body
is refused with 409 ``idempotency_key_reused`` and stores nothing."""

from __future__ import annotations

from events.solicitations import SolicitationCreated
from tests.e2e.solicitations.helpers import API, new_agency, now_of, solicitation_body
from tests.support import unique


def _keyed(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": unique("key")}


async def test_a_repeated_create_without_an_id_answers_the_first_record(client, token, civic):
    _, buyer = await new_agency(client, token)
    headers = _keyed(buyer)
    body = solicitation_body(await now_of(client, token))
    body.pop("solicitation_id", None)
    first = await client.post(f"{API}/solicitations", json=body, headers=headers)
    assert first.status_code == 201, first.text
    for _ in range(3):
        again = await client.post(f"{API}/solicitations", json=body, headers=headers)
        assert again.status_code == 201, again.text
        assert again.json() == first.json()
    events = await civic.store.read_stream(f"solicitation-{first.json()['id']}")
    assert [r.event for r in events if isinstance(r.event, SolicitationCreated)] != []
    assert len(events) == 1 + len(first.json()["warnings"])  # the creation and its warnings, once


async def test_a_repeated_agency_registration_answers_the_whole_record(client, token):
    headers = _keyed(token("admin"))
    body = {"name": "Harbor District", "jurisdiction": "US-WA-Seattle"}
    first = await client.post(f"{API}/agencies", json=body, headers=headers)
    again = await client.post(f"{API}/agencies", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json() and again.json()["name"] == "Harbor District"


async def test_the_same_body_spaced_or_ordered_differently_is_the_same_request(client, token):
    headers = {**_keyed(token("admin")), "Content-Type": "application/json"}
    first = await client.post(f"{API}/agencies", headers=headers,
                              content=b'{"name": "Pier Authority", "jurisdiction": "US-WA"}')
    again = await client.post(f"{API}/agencies", headers=headers,
                              content=b'{"jurisdiction":"US-WA",\n "name":"Pier Authority"}')
    assert again.status_code == 201 and again.json() == first.json()


async def test_the_same_key_with_another_body_is_refused(client, token, civic):
    headers = _keyed(token("admin"))
    first = await client.post(f"{API}/agencies", json={"name": "A", "jurisdiction": "US"},
                              headers=headers)
    assert first.status_code == 201
    other = await client.post(f"{API}/agencies", json={"name": "B", "jurisdiction": "US"},
                              headers=headers)
    assert other.status_code == 409, other.text
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    read = await client.get(f"{API}/agencies/{first.json()['id']}", headers=token("admin"))
    assert read.json()["name"] == "A" and read.json()["version"] == 1


async def test_the_same_key_on_another_resource_is_refused(client, token):
    headers = _keyed(token("admin"))
    created = [await client.post(f"{API}/agencies", json={"name": n, "jurisdiction": "US"},
                                 headers=token("admin")) for n in ("A", "B")]
    goals = {"goals": [{"program": "MBE", "percent": 10}]}
    first = await client.put(f"{API}/agencies/{created[0].json()['id']}/goals", json=goals,
                             headers=headers)
    assert first.status_code == 200, first.text
    other = await client.put(f"{API}/agencies/{created[1].json()['id']}/goals", json=goals,
                             headers=headers)
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"


async def test_exclusions_repeat_like_any_idempotent_command(client, token):
    admin = token("admin")
    body = {"name": unique("Acme Paving"), "reason": "fraud", "from_date": "2026-01-01"}
    headers = _keyed(admin)
    first = await client.post(f"{API}/exclusions", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = await client.post(f"{API}/exclusions", json=body, headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    changed = await client.post(f"{API}/exclusions", json={**body, "reason": "other"}, headers=headers)
    assert changed.status_code == 409 and changed.json()["error"]["code"] == "idempotency_key_reused"
    # without a key, recording what is on the list already is a conflict
    unkeyed = await client.post(f"{API}/exclusions", json=body, headers=admin)
    assert unkeyed.status_code == 409 and unkeyed.json()["error"]["code"] == "duplicate"
