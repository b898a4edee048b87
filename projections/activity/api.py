"""HTTP for the activity log: a stream's or an agency's activity, oldest first, in pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from asyncpg import Pool
from litestar import Controller, get
from litestar.params import Parameter

from infra.eventstore import Position
from infra.http.auth import requires
from infra.http.errors import error_responses
from kernel.errors import field_error


class Activity(msgspec.Struct, frozen=True, kw_only=True):
    position: str
    event_id: str
    stream_id: str
    version: int
    type: str
    actor: str | None
    actor_role: str | None
    agency: str | None
    command_id: str | None
    correlation_id: str | None
    occurred_at: datetime
    recorded_at: datetime


class ActivityPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Activity]
    #: pass as ``after`` for the next page; null when this page is the last so far
    next: str | None


_SELECT = """
SELECT transaction_id::text::bigint AS tx, position, event_id::text AS event_id, stream_id, version,
       type, actor, actor_role, agency, command_id, correlation_id, occurred_at, recorded_at
FROM activity_log
WHERE ($1::text IS NULL OR stream_id = $1) AND ($2::text IS NULL OR agency = $2)
  AND (transaction_id, position) > ($3::text::xid8, $4)
ORDER BY transaction_id, position
LIMIT $5
"""


def _after(text: str | None) -> Position:
    if not text:
        return Position(0, 0)
    try:
        return Position.parse(text)
    except ValueError:
        raise field_error("after", "a position such as 1234.56, from a previous page's next") from None


class ActivityController(Controller):
    path = "/activity"
    tags = ["audit"]
    guards = [requires("auditor", "admin")]

    @get(summary="Activity of a stream or an agency",
         description="Every event of the stream (or the agency, or everything) in global order: "
         "its type, who caused it in which role, and when. Page with `after`.",
         responses=error_responses(401, 403, 422))
    async def list(
        self, pool: Pool,
        stream: Annotated[str | None, Parameter(required=False, max_length=300)] = None,
        agency: Annotated[str | None, Parameter(required=False, max_length=200)] = None,
        after: Annotated[str | None, Parameter(required=False, pattern=r"^[0-9]{1,18}\.[0-9]{1,18}$",
                                                description="next of the previous page")] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    ) -> ActivityPage:
        cursor = _after(after)
        rows = await pool.fetch(_SELECT, stream, agency, str(cursor.transaction_id),
                                      cursor.position, limit)
        items = [
            Activity(position=str(Position(r["tx"], r["position"])),
                     **{k: r[k] for k in Activity.__struct_fields__ if k != "position"})
            for r in rows
        ]
        return ActivityPage(items=items, next=items[-1].position if len(items) == limit else None)
