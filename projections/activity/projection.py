"""Writes one activity row per event, from the event's metadata; batches into one INSERT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_INSERT = """
INSERT INTO activity_log (transaction_id, position, event_id, stream_id, version, type, actor,
                          actor_role, agency, command_id, correlation_id, occurred_at, recorded_at)
SELECT tx::text::xid8, pos, id, stream, ver, type, actor, role, agency, cmd, corr, occ, rec
FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[],
            $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[])
     AS e(tx, pos, id, stream, ver, type, actor, role, agency, cmd, corr, occ, rec)
"""


class ActivityProjection:
    name = "activity"
    tables = ("activity_log",)
    types = None  # every event is activity

    async def apply(self, conn: Any, events: Sequence[Any]) -> None:
        columns: tuple[list[Any], ...] = tuple([] for _ in range(13))
        for e in events:
            m = e.metadata
            row = (e.position.transaction_id, e.position.position, e.event_id, e.stream_id, e.version,
                   e.type, m.actor, m.actor_role, m.agency, m.command_id, m.correlation_id,
                   m.occurred_at, e.recorded_at)
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        await conn.execute(_INSERT, *columns)
