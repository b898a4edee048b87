"""Many clients changing the same aggregate at once, through a real server process: each
version is won exactly once, the losers get 409, nothing is lost or appended twice."""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.support import unique

CONCURRENT = 100
PROGRAMS = ["MBE", "WBE", "DBE", "SBE", "VOSB", "SDVOSB", "HUBZone", "LBE"]


async def _register(http, admin) -> str:
    agency_id = unique("ag")
    created = await http.post("/api/v1/agencies", headers=admin,
                              json={"agency_id": agency_id, "name": "Transit", "jurisdiction": "US-IL"})
    assert created.status_code == 201, created.text
    return agency_id


async def test_concurrent_registrations_of_one_agency_make_exactly_one(http, admin, api_store):
    agency_id = unique("ag")
    body = {"agency_id": agency_id, "name": "Library Board", "jurisdiction": "US-MA"}
    responses = await asyncio.gather(*[
        http.post("/api/v1/agencies", json=body, headers=admin) for _ in range(CONCURRENT)])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: CONCURRENT - 1}, statuses
    assert len(await api_store.read_stream(f"agency-{agency_id}")) == 1


async def test_concurrent_goal_changes_win_each_version_once_and_the_rest_conflict(http, admin, api_store):
    agency_id = await _register(http, admin)

    def goals(i: int) -> dict:
        return {"goals": [{"program": PROGRAMS[i % len(PROGRAMS)], "percent": i % 100}]}

    responses = await asyncio.gather(*[
        http.put(f"/api/v1/agencies/{agency_id}/goals", json=goals(i), headers=admin)
        for i in range(CONCURRENT)])
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {200, 409}, statuses
    assert statuses[409] > 0, "the requests did not race: the test proves nothing"
    for loser in (r for r in responses if r.status_code == 409):
        assert loser.json()["error"]["code"] == "version_conflict"
    winners = sorted(r.json()["version"] for r in responses if r.status_code == 200)
    stream = await api_store.read_stream(f"agency-{agency_id}")
    assert winners == list(range(2, len(stream) + 1)), "each version won once, none lost"
    read = await http.get(f"/api/v1/agencies/{agency_id}", headers=admin)
    assert read.json()["version"] == len(stream)
    assert [g["program"] for g in read.json()["goals"]] == [g.program for g in stream[-1].event.goals]


async def test_concurrent_repeats_with_one_idempotency_key_append_once(http, admin, api_store):
    headers = {**admin, "Idempotency-Key": unique("key")}
    agency_id = unique("ag")
    body = {"agency_id": agency_id, "name": "Parks", "jurisdiction": "US-CO"}
    responses = await asyncio.gather(*[
        http.post("/api/v1/agencies", json=body, headers=headers) for _ in range(CONCURRENT)])
    statuses = Counter(r.status_code for r in responses)
    # A repeat after the first append gets the first outcome; one racing it is refused;
    # none appends a second event.
    assert statuses[201] >= 1 and set(statuses) <= {201, 409}, statuses
    assert all(r.json()["version"] == 1 for r in responses if r.status_code == 201)
    assert len(await api_store.read_stream(f"agency-{agency_id}")) == 1
