"""Verifying the hash chain of the event store, and checkpoints over its global order.

PostgreSQL computes each event's hash as the row is inserted (migration
``1100_records_hash_chain.sql``): SHA-256 over the stored content and the hash of the
previous event of the same stream. Verification recomputes every hash with the same SQL
function and names the first event, in global order, whose content or link does not
match. A checkpoint seals the hashes of every event committed after the previous one, in
global order, chained to the previous checkpoint's hash: it fixes the order and the
count of the whole store at the moment it was taken.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

import asyncpg
import msgspec

from infra.db import Connection
from infra.eventstore import START, Position

log = logging.getLogger("civic.records")

#: events sealed by one checkpoint at most (a backlog is sealed over several)
CHECKPOINT_MAX_EVENTS = 50_000

_VERIFY = """
SELECT event_id, stream_id, version, tx, position, content_ok, link_ok, version_ok
FROM (
    SELECT event_id::text AS event_id, stream_id, version,
           transaction_id::text::bigint AS tx, position,
           hash = event_hash(prev_hash, event_id, stream_id, version, type, schema_version,
                             data, metadata, occurred_at, recorded_at) AS content_ok,
           prev_hash IS NOT DISTINCT FROM lag(hash) OVER w AS link_ok,
           version = coalesce(lag(version) OVER w, 0) + 1 AS version_ok
    FROM events
    WHERE $1::text IS NULL OR stream_id = $1
    WINDOW w AS (PARTITION BY stream_id ORDER BY version)
) checked
WHERE NOT (content_ok AND link_ok AND version_ok)
ORDER BY tx, position
LIMIT 1
"""


class BrokenEvent(msgspec.Struct, frozen=True, kw_only=True):
    """The first stored event whose hash, link or version does not verify."""

    event_id: str
    stream_id: str
    version: int
    position: str
    reason: str


class BrokenCheckpoint(msgspec.Struct, frozen=True, kw_only=True):
    seq: int
    position: str
    reason: str


class ChainReport(msgspec.Struct, frozen=True, kw_only=True):
    valid: bool
    events: int
    stream_id: str | None = None
    first_broken: BrokenEvent | None = None
    checkpoints: int = 0
    first_broken_checkpoint: BrokenCheckpoint | None = None


def checkpoint_hash(prev: bytes | None, hashes: Iterable[bytes]) -> bytes:
    """The hash a checkpoint stores: the previous checkpoint's, then each event's in order."""
    digest = hashlib.sha256(prev or b"")
    for h in hashes:
        digest.update(h)
    return digest.digest()


async def verify(conn: Connection, stream_id: str | None = None) -> ChainReport:
    """Walk the chains (one stream, or every stream and every checkpoint)."""
    count = await conn.fetchval(
        "SELECT count(*) FROM events WHERE $1::text IS NULL OR stream_id = $1", stream_id)
    row = await conn.fetchrow(_VERIFY, stream_id)
    broken = None
    if row is not None:
        reason = ("its content does not match its hash" if not row["content_ok"]
                  else "a version of its stream is missing before it" if not row["version_ok"]
                  else "it does not link to the previous event of its stream")
        broken = BrokenEvent(event_id=row["event_id"], stream_id=row["stream_id"],
                             version=row["version"], position=f"{row['tx']}.{row['position']}",
                             reason=reason)
    checkpoints, broken_checkpoint = 0, None
    if stream_id is None:
        checkpoints, broken_checkpoint = await _verify_checkpoints(conn)
    return ChainReport(valid=broken is None and broken_checkpoint is None, events=count,
                       stream_id=stream_id, first_broken=broken, checkpoints=checkpoints,
                       first_broken_checkpoint=broken_checkpoint)


async def _verify_checkpoints(conn: Connection) -> tuple[int, BrokenCheckpoint | None]:
    rows = await conn.fetch(
        "SELECT seq, transaction_id::text::bigint AS tx, position, events, prev_hash, hash"
        " FROM event_checkpoints ORDER BY seq")
    after, prev = START, None
    for row in rows:
        upto = Position(row["tx"], row["position"])
        hashes = await _hashes_between(conn, after, upto)
        where = str(upto)
        if row["prev_hash"] != prev:
            return len(rows), BrokenCheckpoint(seq=row["seq"], position=where,
                                               reason="does not link to the previous checkpoint")
        if len(hashes) != row["events"]:
            return len(rows), BrokenCheckpoint(
                seq=row["seq"], position=where,
                reason=f"sealed {row['events']} events, the store now holds {len(hashes)} there")
        if checkpoint_hash(prev, hashes) != row["hash"]:
            return len(rows), BrokenCheckpoint(seq=row["seq"], position=where,
                                               reason="the events it sealed no longer match it")
        after, prev = upto, row["hash"]
    return len(rows), None


async def _hashes_between(conn: Connection, after: Position, upto: Position) -> list[bytes]:
    rows = await conn.fetch(
        "SELECT hash FROM events WHERE (transaction_id, position) > ($1::text::xid8, $2)"
        " AND (transaction_id, position) <= ($3::text::xid8, $4) ORDER BY transaction_id, position",
        str(after.transaction_id), after.position, str(upto.transaction_id), upto.position)
    return [r["hash"] for r in rows]


async def take_checkpoint(pool: asyncpg.Pool, *, max_events: int = CHECKPOINT_MAX_EVENTS) -> int:
    """Seal the events committed since the last checkpoint; returns how many (0: none new).

    Only events below the transaction horizon are sealed, so none can later appear inside
    a sealed range. Two processes taking the same checkpoint compute the same row; the
    second insert is dropped by the primary key.
    """
    async with pool.acquire() as conn:
        last = await conn.fetchrow(
            "SELECT seq, transaction_id::text::bigint AS tx, position, hash FROM event_checkpoints"
            " ORDER BY seq DESC LIMIT 1")
        after = Position(last["tx"], last["position"]) if last else START
        rows = await conn.fetch(
            "SELECT transaction_id::text::bigint AS tx, position, hash FROM events"
            " WHERE (transaction_id, position) > ($1::text::xid8, $2)"
            " AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
            " ORDER BY transaction_id, position LIMIT $3",
            str(after.transaction_id), after.position, max_events)
        if not rows:
            return 0
        prev = last["hash"] if last else None
        await conn.execute(
            "INSERT INTO event_checkpoints (seq, transaction_id, position, events, prev_hash, hash)"
            " VALUES ($1, $2::text::xid8, $3, $4, $5, $6) ON CONFLICT (seq) DO NOTHING",
            (last["seq"] if last else 0) + 1, str(rows[-1]["tx"]), rows[-1]["position"], len(rows),
            prev, checkpoint_hash(prev, (r["hash"] for r in rows)))
        return len(rows)
