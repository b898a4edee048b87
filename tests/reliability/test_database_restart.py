"""PostgreSQL goes away under load: the API answers 503 with Retry-After (never a 500,
never a hang), and serves again once the database is back, without a restart. Nothing
acknowledged before, during or after the outage is lost.

Runs on a PostgreSQL cluster of the test's own; the shared one is never touched.
"""

from __future__ import annotations

import asyncio
import random
import time

import asyncpg
import httpx
import pytest

from infra.http.auth import mint_token
from tests.reliability import processes
from tests.reliability.load import agency_load
from tests.reliability.servers import OwnPostgres
from tests.support import isolated_settings, unique

EXPECTED = {200, 201, 404, 409, 503}


@pytest.fixture
def own_postgres():
    server = OwnPostgres()
    server.start()
    yield server
    server.remove()


async def _run(own_postgres, server_settings, tmp_path, *, outages: list[tuple[str, float]],
               seconds: float, seed: int) -> None:
    settings = isolated_settings(server_settings, own_postgres.url, unique("")).with_(data_dir=tmp_path)
    api = processes.api(settings)
    api.start()
    try:
        admin = {"Authorization": f"Bearer {mint_token(settings, role='admin', sub='ops')}"}
        load = asyncio.create_task(agency_load(
            api.base_url, admin, workers=8, max_requests=100_000, max_seconds=seconds,
            expected=EXPECTED, rng=random.Random(seed)))
        gap = seconds / (len(outages) + 1)
        for mode, down_for in outages:
            await asyncio.sleep(gap - down_for)
            await asyncio.to_thread(own_postgres.stop, mode)
            await asyncio.sleep(down_for)
            await asyncio.to_thread(own_postgres.start)
        recorded = await load
        after = await _write_until_accepted(api.base_url, admin, max_wait=30)
    finally:
        api.stop()
    print(f"{recorded.sent} requests: {dict(recorded.statuses)}; {len(recorded.created)} agencies "
          f"acknowledged; {len(outages)} outage(s); first write after recovery in {after:.1f}s")
    assert not recorded.bad, recorded.bad[:5]
    assert recorded.timeouts == 0, "a request hung past its timeout"
    assert recorded.statuses[503] > 0, "the load never met the outage: the test proves nothing"
    assert recorded.statuses[201] > 0
    conn = await asyncpg.connect(own_postgres.url)
    try:
        stored = {r["stream_id"] for r in await conn.fetch(
            "SELECT stream_id FROM events WHERE stream_id = ANY($1::text[])",
            [f"agency-{a}" for a in recorded.created])}
    finally:
        await conn.close()
    assert len(stored) == len(recorded.created), "an acknowledged registration was lost"


async def _write_until_accepted(base_url: str, headers: dict[str, str], *, max_wait: float) -> float:
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        while time.monotonic() - started < max_wait:
            response = await client.post("/api/v1/agencies", headers=headers, json={
                "name": "After the outage", "jurisdiction": "US-NY"})
            if response.status_code == 201:
                return time.monotonic() - started
            assert response.status_code == 503, response.text
            await asyncio.sleep(0.2)
    raise AssertionError(f"the API did not recover within {max_wait}s")


async def test_api_answers_503_while_the_database_restarts_and_recovers(own_postgres, server_settings, tmp_path):
    await _run(own_postgres, server_settings, tmp_path, outages=[("fast", 2.0)], seconds=8, seed=1)


@pytest.mark.slow
async def test_repeated_database_crashes_and_restarts_under_load(own_postgres, server_settings, tmp_path):
    await _run(own_postgres, server_settings, tmp_path, seconds=60, seed=2,
               outages=[("fast", 3.0), ("immediate", 5.0), ("fast", 1.0), ("immediate", 8.0)])
