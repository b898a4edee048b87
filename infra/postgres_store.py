"""The PostgreSQL event store: atomic appends with optimistic concurrency, gap-free reads.

Global order is the pair (transaction_id, position). ``position`` comes from an identity
column, so it is unique but, under concurrent writers, not in commit order. Every event
also records the id of the transaction that wrote it (``pg_current_xact_id()``); a
reader of the global order only returns events of transactions older than the oldest
transaction still running (``pg_snapshot_xmin``), ordered by (transaction_id, position).
Every transaction below that horizon has finished, so nothing can later appear behind a
position already read: no event is ever skipped, and no global lock is taken.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg
import msgspec

from events.base import Event, Metadata, schema_version_of, tag_of
from infra import personal
from infra.db import Connection
from infra.eventstore import (
    START,
    AppendResult,
    Position,
    RawEvent,
    RecordedEvent,
    encode_metadata,
    ids_for_append,
    version_conflict,
)
from kernel.errors import Conflict
from kernel.timers import Timer

_COLUMNS = (
    "transaction_id::text::bigint AS tx, position, event_id::text AS event_id, stream_id,"
    " version, type, data, metadata, recorded_at"
)

_APPEND_ONE = """
INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
SELECT $3::uuid, $1, $2 + 1, $4, $5, $6::jsonb, $7::jsonb, $8
WHERE coalesce((SELECT max(version) FROM events WHERE stream_id = $1), 0) = $2
RETURNING version
"""

_APPEND_MANY = """
INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
SELECT e.event_id, $1, $2 + e.ord, e.type, e.schema_version, e.data::jsonb, $7::jsonb, $8
FROM unnest($3::uuid[], $4::text[], $5::smallint[], $6::text[])
     WITH ORDINALITY AS e(event_id, type, schema_version, data, ord)
WHERE coalesce((SELECT max(version) FROM events WHERE stream_id = $1), 0) = $2
RETURNING version
"""

_INSERT_TIMERS = """
INSERT INTO timers (timer_id, kind, stream_id, due_at, payload)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[])
ON CONFLICT (timer_id) DO NOTHING
"""


def _raw(row: asyncpg.Record) -> RawEvent:
    return RawEvent(
        event_id=row["event_id"],
        stream_id=row["stream_id"],
        version=row["version"],
        position=Position(row["tx"], row["position"]),
        type=row["type"],
        data=row["data"],
        metadata=row["metadata"],
        recorded_at=row["recorded_at"],
    )


class PostgresEventStore:
    """The system of record (see ``infra.eventstore.EventStore`` for the contract)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        #: the keys per person that personal data is sealed under (``forget`` destroys one)
        self.personal_keys = personal.PostgresKeys(pool)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A connection inside a transaction: pass it as ``conn=`` to join it."""
        async with self.pool.acquire() as conn, conn.transaction():
            yield conn

    async def append(
        self,
        stream_id: str,
        expected_version: int | None,
        events: Sequence[Event],
        metadata: Metadata,
        *,
        event_ids: Sequence[str] | None = None,
        timers: Sequence[Timer] = (),
        conn: Connection | None = None,
    ) -> AppendResult:
        """Append atomically after ``expected_version`` (``None``: after whatever is there).

        Raises ``Conflict`` and writes nothing when the stream is not at the expected
        version. Appending event ids that are already stored is a no-op that returns
        the stored result (``duplicate=True``).
        """
        if not events:
            return AppendResult(stream_id, expected_version or 0, [])
        ids = ids_for_append(events, event_ids)
        if conn is not None:
            return await self._append(conn, stream_id, expected_version, events, metadata, ids, timers)
        async with self.pool.acquire() as own:
            return await self._append(own, stream_id, expected_version, events, metadata, ids, timers)

    async def _append(
        self,
        conn: Connection,
        stream_id: str,
        expected_version: int | None,
        events: Sequence[Event],
        metadata: Metadata,
        ids: list[str],
        timers: Sequence[Timer],
    ) -> AppendResult:
        meta = encode_metadata(metadata)
        for _ in range(20 if expected_version is None else 1):
            expected = expected_version
            if expected is None:
                expected = await self.stream_version(stream_id, conn=conn)
            try:
                if timers or conn.is_in_transaction():
                    async with conn.transaction():
                        versions = await self._insert(conn, stream_id, expected, events, meta, metadata, ids)
                        if versions and timers:
                            await conn.execute(_INSERT_TIMERS, *_timer_columns(timers))
                else:
                    versions = await self._insert(conn, stream_id, expected, events, meta, metadata, ids)
            except asyncpg.UniqueViolationError as exc:
                if exc.constraint_name == "events_event_id_key":
                    return await self._already_appended(conn, stream_id, ids)
                versions = []
            if versions:
                return AppendResult(stream_id, max(versions), ids)
            if await self._already_stored(conn, ids):
                return await self._already_appended(conn, stream_id, ids)
            if expected_version is not None:
                actual = await self.stream_version(stream_id, conn=conn)
                raise version_conflict(stream_id, expected_version, actual)
        raise Conflict(f"stream {stream_id} is too busy to append to", code="version_conflict")

    @staticmethod
    async def _insert(
        conn: Connection,
        stream_id: str,
        expected: int,
        events: Sequence[Event],
        meta: str,
        metadata: Metadata,
        ids: list[str],
    ) -> list[int]:
        tags = [tag_of(type(e)) for e in events]
        # personal data is only ever stored encrypted, its keys made in this transaction
        stored = await personal.seal(personal.PostgresKeys(conn), events)
        if len(events) == 1:
            row = await conn.fetchrow(
                _APPEND_ONE,
                stream_id,
                expected,
                ids[0],
                tags[0],
                schema_version_of(tags[0]),
                stored[0],
                meta,
                metadata.occurred_at,
            )
            return [row["version"]] if row else []
        rows = await conn.fetch(
            _APPEND_MANY,
            stream_id,
            expected,
            ids,
            tags,
            [schema_version_of(t) for t in tags],
            stored,
            meta,
            metadata.occurred_at,
        )
        return [r["version"] for r in rows]

    @staticmethod
    async def _already_stored(conn: Connection, ids: list[str]) -> bool:
        return bool(await conn.fetchval("SELECT 1 FROM events WHERE event_id = $1::uuid", ids[0]))

    async def _already_appended(
        self, conn: Connection, stream_id: str, ids: list[str]
    ) -> AppendResult:
        rows = await conn.fetch(
            "SELECT stream_id, version FROM events WHERE event_id = ANY($1::uuid[])", ids
        )
        if len(rows) != len(ids) or any(r["stream_id"] != stream_id for r in rows):
            raise Conflict("these event ids belong to another append", code="duplicate_event")
        return AppendResult(stream_id, max(r["version"] for r in rows), ids, duplicate=True)

    async def stream_version(self, stream_id: str, *, conn: Connection | None = None) -> int:
        query = "SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1"
        if conn is not None:
            return await conn.fetchval(query, stream_id)
        return await self.pool.fetchval(query, stream_id)

    async def read_stream(
        self, stream_id: str, *, after_version: int = 0, conn: Connection | None = None
    ) -> list[RecordedEvent]:
        query = (
            f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 AND version > $2 ORDER BY version"
        )
        rows = await (conn or self.pool).fetch(query, stream_id, after_version)
        return await self.decode([_raw(r) for r in rows], conn=conn)

    async def decode(self, raws: Sequence[RawEvent], *, conn: Connection | None = None) -> list[RecordedEvent]:
        """Stored events as events, their personal data opened (or shown as removed)."""
        opened = await personal.opened(personal.PostgresKeys(conn or self.pool), raws)
        return [raw.decode() for raw in opened]

    async def read_all_raw(
        self, after: Position = START, limit: int = 1000, *, conn: Any = None
    ) -> list[RawEvent]:
        """Committed events after ``after`` in global order, never skipping a late commit."""
        query = f"""
            SELECT {_COLUMNS} FROM events
            WHERE (transaction_id, position) > ($1::text::xid8, $2)
              AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY transaction_id, position
            LIMIT $3
        """
        rows = await (conn or self.pool).fetch(query, str(after.transaction_id), after.position, limit)
        return [_raw(r) for r in rows]

    async def read_all(
        self, after: Position = START, limit: int = 1000, *, conn: Any = None
    ) -> list[RecordedEvent]:
        return await self.decode(await self.read_all_raw(after, limit, conn=conn), conn=conn)

    async def find(self, event_id: str) -> RecordedEvent | None:
        row = await self.pool.fetchrow(
            f"SELECT {_COLUMNS} FROM events WHERE event_id = $1::uuid", event_id
        )
        return (await self.decode([_raw(row)]))[0] if row else None

    async def head(self) -> Position:
        """The last position a reader of the global order can see now."""
        row = await self.pool.fetchrow(
            "SELECT transaction_id::text::bigint AS tx, position FROM events"
            " WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
            " ORDER BY transaction_id DESC, position DESC LIMIT 1"
        )
        return Position(row["tx"], row["position"]) if row else START

    async def count_after(self, after: Position) -> int:
        return await self.pool.fetchval(
            "SELECT count(*) FROM events WHERE (transaction_id, position) > ($1::text::xid8, $2)",
            str(after.transaction_id),
            after.position,
        )


def _timer_columns(timers: Sequence[Timer]) -> tuple[list[Any], ...]:
    return (
        [t.timer_id for t in timers],
        [t.kind for t in timers],
        [t.stream_id for t in timers],
        [t.due_at for t in timers],
        [msgspec.json.encode(t.payload).decode() for t in timers],
    )
