"""asyncpg pools with the codecs the marketplace relies on."""

from __future__ import annotations

import asyncpg

# Errors of the database server or the connection to it, not of the statement: the
# caller may retry later (HTTP answers 503, runners keep the event for the next round).
UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.ConnectionFailureError,
    asyncpg.exceptions.PostgresConnectionError,  # e.g. the server closed it mid-query
    # A connection the crashed server broke mid-query can fail its reset on release.
    asyncpg.exceptions._base.InternalClientError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError,
)


async def _init_connection(conn: asyncpg.Connection) -> None:
    # JSON travels as text: msgspec encodes and decodes it far faster than asyncpg's json.
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=str, decoder=str, schema="pg_catalog", format="text")


async def create_pool(dsn: str, *, min_size: int = 2, max_size: int = 20) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=_init_connection, command_timeout=60
    )


async def connect(dsn: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(dsn)
    await _init_connection(conn)
    return conn
