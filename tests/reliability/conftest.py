"""Fixtures of the reliability tests: marketplace processes on loopback ports."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from infra import db
from infra.http.auth import mint_token
from infra.postgres_store import PostgresEventStore
from infra.settings import Settings
from tests.reliability.processes import CivicProcess, own_api
from tests.support import many_requests, unique


@pytest.fixture(scope="module")
async def api_server(server_settings: Settings, tmp_path_factory) -> AsyncIterator[CivicProcess]:
    """``civic serve --api-only`` on a loopback port, over a fresh database and stream."""
    async with own_api(server_settings, tmp_path_factory.mktemp("api")) as process:
        yield process


@pytest.fixture
async def http(api_server: CivicProcess) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the API process with room for many requests in flight at once."""
    limits = many_requests(200)
    async with httpx.AsyncClient(base_url=api_server.base_url, timeout=60, limits=limits) as client:
        yield client


@pytest.fixture(scope="module")
async def api_store(api_server: CivicProcess) -> AsyncIterator[PostgresEventStore]:
    """The event store the API process writes to."""
    pool = await db.create_pool(api_server.settings.database_url, min_size=1, max_size=4)
    yield PostgresEventStore(pool)
    await pool.close()


@pytest.fixture(scope="module")
def admin(api_server: CivicProcess) -> dict[str, str]:
    token = mint_token(api_server.settings, role="admin", sub=unique("admin"))
    return {"Authorization": f"Bearer {token}"}
