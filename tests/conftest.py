"""Test fixtures: real PostgreSQL and NATS (embedded unless DATABASE_URL/NATS_URL are set),
a database and a JetStream stream of this run's own, removed afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from infra import embedded
from infra.container import Civic, open_civic
from infra.http.app import create_app
from infra.http.auth import mint_token
from infra.s3_server import LocalS3, start_local_s3
from infra.settings import Settings
from infra.stripe_server import LocalStripe, start_localstripe
from tests.browser.chromium import find_chromium, missing_message
from tests.support import (
    TEST_SIGNING_KEY,
    TEST_WEBHOOK_SECRET,
    create_database,
    drop_database,
    isolated_settings,
    unique,
)


def pytest_report_header(config: pytest.Config) -> str:
    chromium = find_chromium()
    return f"browser tests: Chromium at {chromium}" if chromium else missing_message()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say at the end, too, when the browser tests could not run: never a silent pass."""
    if find_chromium() is None:
        terminalreporter.write_sep("!", missing_message(), red=True, bold=True)


@pytest.fixture(scope="session")
def server_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The servers under test: from the environment, or the embedded ones."""
    base = Settings.from_env().with_(
        signing_key=TEST_SIGNING_KEY,
        dev_clock=True,
        data_dir=Settings.from_env().data_dir,
        # The suite sends thousands of writes from one address; the limit has its own test.
        rate_limit_per_minute=1_000_000,
    )
    resolved = embedded.resolve(base)
    return resolved.with_(data_dir=Path(tmp_path_factory.mktemp("civic-data")))


@pytest.fixture(scope="session")
def localstripe() -> Iterator[LocalStripe]:
    """A Stripe-compatible server (localstripe) on loopback for this run."""
    server = start_localstripe(stop_on_exit=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
async def settings(server_settings: Settings, localstripe: LocalStripe) -> AsyncIterator[Settings]:
    """This run's own database (migrated) and stream; Stripe is the run's localstripe."""
    tag = unique("")
    name = f"civic_test_{tag}"
    url = await create_database(server_settings.database_url, name)
    yield isolated_settings(server_settings, url, tag).with_(
        stripe_api_base=localstripe.api_base, stripe_api_key=localstripe.api_key,
        stripe_webhook_secret=TEST_WEBHOOK_SECRET)
    await _delete_stream(server_settings.nats_url, f"CIVIC_TEST_{tag.upper()}")
    await drop_database(server_settings.database_url, name)


@pytest.fixture
async def isolated(server_settings: Settings) -> AsyncIterator[Callable[[], Any]]:
    """A factory of settings with a fresh database and stream, for tests that need to
    see every event of the store (relay, runner, rebuild)."""
    async for make in _isolated(server_settings):
        yield make


@pytest.fixture(scope="session")
async def isolated_session(server_settings: Settings) -> AsyncIterator[Callable[[], Any]]:
    """``isolated`` for session fixtures (a server that lives for the whole run)."""
    async for make in _isolated(server_settings):
        yield make


async def _isolated(server_settings: Settings) -> AsyncIterator[Callable[[], Any]]:
    made: list[tuple[str, str]] = []

    async def make() -> Settings:
        tag = unique("")
        name = f"civic_test_{tag}"
        url = await create_database(server_settings.database_url, name)
        made.append((name, f"CIVIC_TEST_{tag.upper()}"))
        return isolated_settings(server_settings, url, tag)

    yield make
    for name, stream in made:
        await _delete_stream(server_settings.nats_url, stream)
        await drop_database(server_settings.database_url, name)


async def _delete_stream(nats_url: str | None, stream: str) -> None:
    if not nats_url:
        return
    import nats

    with contextlib.suppress(Exception):
        nc = await nats.connect(nats_url)
        try:
            with contextlib.suppress(Exception):
                await nc.jetstream().delete_stream(stream)
        finally:
            await nc.close()


@pytest.fixture(scope="session")
async def civic(settings: Settings) -> AsyncIterator[Civic]:
    """The wired marketplace without background workers (commands, store, projections)."""
    opened = await open_civic(settings)
    yield opened
    await opened.close()


@pytest.fixture(scope="session")
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    """The HTTP app with its relay, runners and scheduler running, as ``civic serve``."""
    app = create_app(settings, workers=True)
    async with AsyncTestClient(app=app, timeout=30) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def token(settings: Settings) -> Callable[..., dict[str, str]]:
    """``token("buyer", sub="u1", agency="a1")`` -> Authorization headers."""

    def make(role: str, sub: str | None = None, **claims: Any) -> dict[str, str]:
        value = mint_token(settings, role=role, sub=sub or unique(role), **claims)
        return {"Authorization": f"Bearer {value}"}

    return make


@pytest.fixture(scope="session")
def local_s3() -> Iterator[LocalS3]:
    """An S3-compatible server process (moto) on loopback for this run."""
    server = start_local_s3()
    yield server
    server.stop()
