from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from infra.container import Civic, open_civic
from infra.settings import Settings
from tests.support import create_database, drop_database, isolated_settings, unique


@pytest.fixture(scope="module")
async def readmodel(server_settings: Settings) -> AsyncIterator[Civic]:
    """A marketplace on a database of this module's own, so counts are exact."""
    tag = unique("")
    name = f"civic_test_{tag}"
    url = await create_database(server_settings.database_url, name)
    civic = await open_civic(isolated_settings(server_settings, url, tag), with_nats=False)
    yield civic
    await civic.close()
    await drop_database(server_settings.database_url, name)
