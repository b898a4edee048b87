"""An API server process of the security tests' own, on a database and stream of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from infra.http.auth import mint_token
from infra.settings import Settings
from services.shared.context import ROLES
from tests.reliability.processes import CivicProcess, api
from tests.support import unique


@pytest.fixture(scope="module")
async def api_server(server_settings: Settings, tmp_path_factory) -> AsyncIterator[CivicProcess]:
    """``civic serve --api-only`` on a loopback port, over a fresh database and stream."""
    from tests.conftest import _delete_stream
    from tests.support import create_database, drop_database, isolated_settings

    tag = unique("")
    name = f"civic_test_{tag}"
    url = await create_database(server_settings.database_url, name)
    settings = isolated_settings(server_settings, url, tag).with_(data_dir=tmp_path_factory.mktemp("api"))
    process = api(settings)
    process.settings = settings  # type: ignore[attr-defined]
    process.start()
    yield process
    process.stop()
    await _delete_stream(server_settings.nats_url, settings.stream_name)
    await drop_database(server_settings.database_url, name)


def callers_for(settings: Settings) -> dict[str, dict[str, str]]:
    """Headers of every role (each with an agency and a vendor claim) and of no token."""
    callers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ROLES:
        token = mint_token(settings, role=role, sub=unique(role), agency=unique("ag"), vendor=unique("vd"))
        callers[role] = {"Authorization": f"Bearer {token}"}
    return callers
