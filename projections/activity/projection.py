"""Writes one activity row per event, from the event's metadata: one INSERT per batch, or
a binary COPY for the large batches of a rebuild."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from infra.db import Connection

_INSERT = """
INSERT INTO activity_log (transaction_id, position, event_id, stream_id, version, type, actor,
                          actor_role, agency, command_id, correlation_id, occurred_at, recorded_at)
SELECT tx::text::xid8, pos, id, stream, ver, type, actor, role, agency, cmd, corr, occ, rec
FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[],
            $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[])
     AS e(tx, pos, id, stream, ver, type, actor, role, agency, cmd, corr, occ, rec)
"""


_COLUMNS = ("transaction_id", "position", "event_id", "stream_id", "version", "type", "actor",
            "actor_role", "agency", "command_id", "correlation_id", "occurred_at", "recorded_at")
#: from this many rows COPY beats INSERT despite the extra round trip it costs
COPY_FROM = 500


class ActivityProjection:
    name = "activity"
    tables: Sequence[str] = ("activity_log",)
    types: frozenset[str] | None = None  # every event is activity

    async def apply(self, conn: Connection, events: Sequence[Any]) -> None:
        rows = [_row(e) for e in events]
        if not rows:
            return
        if len(rows) >= COPY_FROM:
            await conn.copy_records_to_table("activity_log", records=rows, columns=_COLUMNS)
        else:
            await conn.execute(_INSERT, *zip(*rows, strict=True))


def _row(e: Any) -> tuple[Any, ...]:
    m = e.metadata
    return (e.position.transaction_id, e.position.position, e.event_id, e.stream_id, e.version,
            e.type, m.actor, m.actor_role, m.agency, m.command_id, m.correlation_id,
            m.occurred_at, e.recorded_at)
