"""asyncpg pools with the codecs the marketplace relies on."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import asyncpg

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    #: a connection of its own or one lent by a pool: what every query function takes
    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
    #: what a read-only query may run on: a connection, or the pool (one statement each)
    Queryable: TypeAlias = Connection | asyncpg.Pool[asyncpg.Record]
else:
    Connection = asyncpg.Connection
    Queryable = asyncpg.Connection | asyncpg.Pool

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


async def _init_connection(conn: Connection) -> None:
    # JSON travels as text: msgspec encodes and decodes it far faster than asyncpg's json.
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=str, decoder=str, schema="pg_catalog", format="text")


async def create_pool(dsn: str, *, min_size: int = 2, max_size: int = 20) -> asyncpg.Pool[asyncpg.Record]:
    return await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=_init_connection, command_timeout=60
    )


async def connect(dsn: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(dsn)
    await _init_connection(conn)
    return conn
