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

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import asyncpg
import msgspec

from events.base import Event, Metadata, schema_version_of, tag_of
from infra import personal
from infra.db import Connection, Queryable
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
from infra.observability import tracing
from infra.observability.metrics import APPEND_LATENCY, EVENTS_APPENDED
from kernel.errors import Conflict
from kernel.timers import Timer

if TYPE_CHECKING:
    from infra.inline import InlineProjections

_COLUMNS = (
    "transaction_id::text::bigint AS tx, position, event_id::text AS event_id, stream_id,"
    " version, type, data, metadata, recorded_at"
)

# Every append computes the hash chain in its own statement (``event_hash``, migration
# 1100), and reading the previous event's hash is also the version check: every stored
# event has one, so version ``$2`` exists exactly when its row is found, and a stream
# already past ``$2`` already holds version ``$2 + 1``, which the primary key refuses. A
# stream's first event needs no read at all. An event is recorded at the start of the
# statement that appends it (``statement_timestamp()``, the same value wherever the
# statement uses it), so no step has to hold a clock reading for the hash. A batch
# computes what its events share (metadata, times) once, each event's content part
# set-based, and then only the links in order (``event_chain``, migration 1103): no step
# joins or searches the batch, so the cost is linear in its size. The table's trigger
# fills the chain only for rows inserted otherwise.
_APPEND_FIRST = """
INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at,
                    recorded_at, prev_hash, hash)
VALUES ($3::uuid, $1, $2 + 1, $4, $5, $6::jsonb, $7::jsonb, $8, statement_timestamp(), NULL,
        event_hash(NULL, $3::uuid, $1, $2 + 1, $4, $5, $6::jsonb, $7::jsonb, $8, statement_timestamp()))
RETURNING version, position, transaction_id::text::bigint AS tx, recorded_at
"""

_APPEND_NEXT = """
INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at,
                    recorded_at, prev_hash, hash)
SELECT $3::uuid, $1, $2 + 1, $4, $5, $6::jsonb, $7::jsonb, $8, statement_timestamp(), p.hash,
       event_hash(p.hash, $3::uuid, $1, $2 + 1, $4, $5, $6::jsonb, $7::jsonb, $8, statement_timestamp())
FROM events p WHERE p.stream_id = $1 AND p.version = $2
RETURNING version, position, transaction_id::text::bigint AS tx, recorded_at
"""

# ``tail``: the last lines of every event's content (metadata, occurred, recorded);
# ``contents``: each event's content part, the bytes ``event_hash`` hashes after the
# previous hash and its line break; ``chain``: the previous hash, then each event's.
_APPEND_MANY = """
WITH batch AS MATERIALIZED (
    SELECT v.meta, v.at,
           (SELECT hash FROM events WHERE stream_id = $1::text AND version = $2::integer) AS prev,
           E'\\n' || v.meta::text || E'\\n' || ((extract(epoch FROM $8::timestamptz) * 1000000)::bigint)::text
           || E'\\n' || ((extract(epoch FROM v.at) * 1000000)::bigint)::text AS tail
    FROM (SELECT $7::jsonb AS meta, statement_timestamp() AS at) v
), contents AS MATERIALIZED (
    SELECT array_agg(e.data ORDER BY e.ord) AS data,
           array_agg(convert_to(e.event_id::text || E'\\n' || $1::text || E'\\n'
                                || ($2::integer + e.ord::integer)::text || E'\\n' || e.type || E'\\n'
                                || e.schema_version::text || E'\\n' || e.data::text || b.tail, 'UTF8')
                     ORDER BY e.ord) AS contents
    FROM (SELECT event_id, type, schema_version, data::jsonb AS data, ord
          FROM unnest($3::uuid[], $4::text[], $5::smallint[], $6::text[])
               WITH ORDINALITY AS u(event_id, type, schema_version, data, ord)
          OFFSET 0) e  -- each event's data parsed once
    CROSS JOIN batch b
), chained AS MATERIALIZED (
    SELECT c.data, event_chain(b.prev, c.contents) AS chain FROM contents c CROSS JOIN batch b
)
INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at,
                    recorded_at, prev_hash, hash)
SELECT e.event_id, $1, $2 + e.ord::integer, e.type, e.schema_version, e.data, b.meta, $8, b.at, e.prev_hash, e.hash
FROM batch b CROSS JOIN chained c CROSS JOIN LATERAL
     unnest($3::uuid[], $4::text[], $5::smallint[], c.data, c.chain[:cardinality($3::uuid[])], c.chain[2:])
     WITH ORDINALITY AS e(event_id, type, schema_version, data, prev_hash, hash, ord)
WHERE (b.prev IS NULL) = ($2 = 0)
RETURNING version, position, transaction_id::text::bigint AS tx, recorded_at
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
    #: the append statements (a benchmark swaps in the ones without the hash chain)
    append_first_sql = _APPEND_FIRST
    append_next_sql = _APPEND_NEXT
    append_many_sql = _APPEND_MANY

    """The system of record (see ``infra.eventstore.EventStore`` for the contract)."""

    def __init__(self, pool: asyncpg.Pool, inline: InlineProjections | None = None) -> None:
        self.pool = pool
        #: projections applied in the append transaction (``infra/inline.py``)
        self.inline = inline
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
        started = time.perf_counter()
        with tracing.span("append", attributes={"civic.stream_id": stream_id, "civic.events": len(events)}):
            if conn is not None:
                result = await self._append(conn, stream_id, expected_version, events, metadata, ids, timers)
            else:
                async with self.pool.acquire() as own:
                    result = await self._append(own, stream_id, expected_version, events, metadata, ids, timers)
        APPEND_LATENCY.observe(time.perf_counter() - started)
        if not result.duplicate:
            EVENTS_APPENDED.inc(len(events))
        return result

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
        tags = [tag_of(type(e)) for e in events]
        inline = self.inline if self.inline is not None and self.inline.wants(tags) else None
        for _ in range(20 if expected_version is None else 1):
            expected = expected_version
            if expected is None:
                expected = await self.stream_version(stream_id, conn=conn)
            try:
                if timers or inline or conn.is_in_transaction():
                    async with conn.transaction():
                        rows = await self._insert(conn, stream_id, expected, events, tags, meta, metadata, ids)
                        if rows and timers:
                            await conn.execute(_INSERT_TIMERS, *_timer_columns(timers))
                        if rows and inline:
                            await inline.apply(conn, [
                                RecordedEvent(event_id=i, stream_id=stream_id, version=r["version"],
                                              position=Position(r["tx"], r["position"]), type=tag, event=e,
                                              metadata=metadata, recorded_at=r["recorded_at"])
                                for i, r, tag, e in zip(ids, rows, tags, events, strict=True)])
                else:
                    rows = await self._insert(conn, stream_id, expected, events, tags, meta, metadata, ids)
            except asyncpg.UniqueViolationError as exc:
                if exc.constraint_name == "events_event_id_key":
                    return await self._already_appended(conn, stream_id, ids)
                rows = []
            if rows:
                return AppendResult(stream_id, max(r["version"] for r in rows), ids)
            if await self._already_stored(conn, ids):
                return await self._already_appended(conn, stream_id, ids)
            if expected_version is not None:
                actual = await self.stream_version(stream_id, conn=conn)
                raise version_conflict(stream_id, expected_version, actual)
        raise Conflict(f"stream {stream_id} is too busy to append to", code="version_conflict")

    async def _insert(
        self,
        conn: Connection,
        stream_id: str,
        expected: int,
        events: Sequence[Event],
        tags: list[str],
        meta: str,
        metadata: Metadata,
        ids: list[str],
    ) -> list[asyncpg.Record]:
        """The inserted rows (version, position, tx, recorded_at) in event order; none when
        the stream is not at ``expected``."""
        # personal data is only ever stored encrypted, its keys made in this transaction
        stored = await personal.seal(personal.PostgresKeys(conn), events)
        if len(events) == 1:
            row = await conn.fetchrow(
                self.append_first_sql if expected == 0 else self.append_next_sql,
                stream_id,
                expected,
                ids[0],
                tags[0],
                schema_version_of(tags[0]),
                stored[0],
                meta,
                metadata.occurred_at,
            )
            return [row] if row else []
        rows = await conn.fetch(
            self.append_many_sql,
            stream_id,
            expected,
            ids,
            tags,
            [schema_version_of(t) for t in tags],
            stored,
            meta,
            metadata.occurred_at,
        )
        return sorted(rows, key=lambda r: r["version"])

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
        self, stream_id: str, *, after_version: int = 0, conn: Connection | None = None,
        until: datetime | None = None,
    ) -> list[RecordedEvent]:
        """The stream's events in version order, their personal data opened; with ``until``,
        only those that had happened by then (the stream as it stood at that moment)."""
        if until is None:
            query = f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 AND version > $2 ORDER BY version"
            rows = await (conn or self.pool).fetch(query, stream_id, after_version)
        else:
            # A prefix of the stream: the first event after ``until`` ends it.
            query = (f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 AND version > $2"
                     " AND version < coalesce((SELECT min(version) FROM events WHERE stream_id = $1"
                     " AND occurred_at > $3), 2147483647) ORDER BY version")
            rows = await (conn or self.pool).fetch(query, stream_id, after_version, until)
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
        return await head_of(self.pool)

    async def count_after(self, after: Position) -> int:
        return await self.pool.fetchval(
            "SELECT count(*) FROM events WHERE (transaction_id, position) > ($1::text::xid8, $2)",
            str(after.transaction_id),
            after.position,
        )



async def head_of(conn: Queryable) -> Position:
    """The last position a reader of the global order can see now (``conn``: a pool or a
    connection of the store's database)."""
    row = await conn.fetchrow(
        "SELECT transaction_id::text::bigint AS tx, position FROM events"
        " WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
        " ORDER BY transaction_id DESC, position DESC LIMIT 1"
    )
    return Position(row["tx"], row["position"]) if row else START


async def checkpoint_of(conn: Queryable, name: str) -> Position:
    """How far the projection or reactor ``name`` has applied the global order."""
    row = await conn.fetchrow(
        "SELECT transaction_id::text::bigint AS tx, position FROM projection_checkpoints WHERE name = $1",
        name,
    )
    return Position(row["tx"], row["position"]) if row else START


#: how long a read waits for a read model to catch up before answering "not yet visible"
CATCH_UP_WAIT_S = 2.0


async def caught_up_now(conn: Queryable, name: str, *, within: float = CATCH_UP_WAIT_S) -> bool:
    """Wait (at most ``within`` seconds) until the read model of ``name`` has applied every
    event stored before the call; False if it has not by then. A read that finds nothing
    asks this before saying "not found": what it missed may merely not be there yet."""
    head = await head_of(conn)
    deadline = asyncio.get_running_loop().time() + within
    while await checkpoint_of(conn, name) < head:
        if asyncio.get_running_loop().time() >= deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def _timer_columns(timers: Sequence[Timer]) -> tuple[list[Any], ...]:
    return (
        [t.timer_id for t in timers],
        [t.kind for t in timers],
        [t.stream_id for t in timers],
        [t.due_at for t in timers],
        [msgspec.json.encode(t.payload).decode() for t in timers],
    )
