"""An API server process of the security tests' own, on a database and stream of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from infra.http.auth import mint_token
from infra.settings import Settings
from kernel.context import ROLES
from tests.reliability.processes import CivicProcess, own_api
from tests.support import unique


@pytest.fixture(scope="module")
async def api_server(server_settings: Settings, tmp_path_factory) -> AsyncIterator[CivicProcess]:
    """``civic serve --api-only`` on a loopback port, over a fresh database and stream."""
    async with own_api(server_settings, tmp_path_factory.mktemp("api")) as process:
        yield process


def callers_for(settings: Settings) -> dict[str, dict[str, str]]:
    """Headers of every role (each with an agency and a vendor claim) and of no token."""
    callers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ROLES:
        token = mint_token(settings, role=role, sub=unique(role), agency=unique("ag"), vendor=unique("vd"))
        callers[role] = {"Authorization": f"Bearer {token}"}
    return callers
