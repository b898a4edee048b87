"""A fresh database and JetStream stream for one benchmark, removed afterwards."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from infra import bus
from infra.migrate import migrate
from infra.settings import Settings


def database_url(server_url: str, name: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


@contextlib.asynccontextmanager
async def scratch(settings: Settings, label: str) -> AsyncIterator[Settings]:
    """Settings pointing at a new migrated database and a new stream of their own."""
    assert settings.database_url and settings.nats_url
    tag = f"{label}_{uuid.uuid4().hex[:8]}"
    name = f"civic_bench_{tag}"
    admin = await asyncpg.connect(settings.database_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = database_url(settings.database_url, name)
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    own = settings.with_(database_url=url, stream_name=f"CIVIC_BENCH_{tag.upper()}",
                         subject_prefix=f"civicbench{tag}.events")
    try:
        yield own
    finally:
        with contextlib.suppress(Exception):
            nc = await bus.connect(settings.nats_url)
            with contextlib.suppress(Exception):
                await nc.jetstream().delete_stream(own.stream_name)
            await nc.close()
        admin = await asyncpg.connect(settings.database_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
