"""Helpers shared by the integration and end-to-end tests."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from infra.migrate import migrate
from infra.settings import Settings

T = TypeVar("T")

TEST_SIGNING_KEY = "test-signing-key-not-for-production-0123456789abcdef"
TEST_WEBHOOK_SECRET = "whsec_test_webhook_secret_not_for_production"


def unique(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def create_database(server_url: str, name: str, *, migrated: bool = True) -> str:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = with_database(server_url, name)
    if migrated:
        conn = await asyncpg.connect(url)
        try:
            await migrate(conn)
        finally:
            await conn.close()
    return url


async def drop_database(server_url: str, name: str) -> None:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def isolated_settings(base: Settings, database_url: str, tag: str) -> Settings:
    """Settings with their own database and their own JetStream stream and subjects."""
    return base.with_(
        database_url=database_url,
        stream_name=f"CIVIC_TEST_{tag.upper()}",
        subject_prefix=f"civictest{tag}.events",
    )


async def caught_up(settings: Settings, *, within: float = 60.0) -> None:
    """Wait until the read models of the marketplace at ``settings`` hold every event
    stored so far (each projection's checkpoint at the store's head), instead of polling a
    read model for an expected count."""
    from infra.container import open_civic

    civic = await open_civic(settings, with_nats=False, run_migrations=False)
    try:
        await civic.caught_up(within=within)
    finally:
        await civic.close()


async def eventually(check: Callable[[], Awaitable[T]], *, timeout: float = 60.0,  # noqa: ASYNC109 - a polling deadline, not a cancel scope
                     interval: float = 0.05, what: str = "condition") -> T:
    """Poll ``check`` until it returns a truthy value; fail after ``timeout`` seconds. The
    default is generous: a check that holds returns at once, and on a busy machine a read
    model may trail its store by many seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def many_requests(connections: int) -> httpx.Limits:
    """Client limits for ``connections`` requests in flight at once. Idle connections are
    dropped after 2 s, before the server's 5 s keep-alive ends: a request sent on a
    connection the server is closing fails with a read error."""
    return httpx.Limits(max_connections=connections, max_keepalive_connections=connections,
                        keepalive_expiry=2.0)
