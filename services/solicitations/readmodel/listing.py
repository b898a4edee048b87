"""The solicitations list: a read model of every solicitation with the status its own
stream gives it (the decider's ``evolve``, so the list and the detail never disagree),
filtered by agency, status, type and dates, paged newest first with a keyset cursor."""

from __future__ import annotations

import typing
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from events.registry import decode_event
from events.solicitations import SolicitationEvent
from infra.db import Connection
from infra.eventstore import RecordedEvent
from kernel.errors import field_error
from projections import cursor
from projections.base import types_of
from services.solicitations.deciders.solicitation import SOLICITATION

_UPSERT = """
INSERT INTO solicitations_list (solicitation_id, agency_id, status, solicitation_type, title,
    created_at, published_at, submission_deadline, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (solicitation_id) DO UPDATE SET status = EXCLUDED.status,
    solicitation_type = EXCLUDED.solicitation_type, title = EXCLUDED.title,
    published_at = EXCLUDED.published_at, submission_deadline = EXCLUDED.submission_deadline,
    version = EXCLUDED.version
WHERE solicitations_list.version < EXCLUDED.version
"""


class SolicitationListProjection:
    name = "solicitations.list"
    tables: Sequence[str] = ("solicitations_list",)
    types: frozenset[str] | None = types_of(*typing.get_args(SolicitationEvent))

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        latest: dict[str, int] = {}
        for recorded in events:
            latest[recorded.stream_id] = max(latest.get(recorded.stream_id, 0), recorded.version)
        for stream_id, version in latest.items():
            rows = await conn.fetch(
                "SELECT type, data::text AS data, occurred_at FROM events"
                " WHERE stream_id = $1 AND version <= $2 ORDER BY version", stream_id, version)
            if not rows:
                continue
            state = SOLICITATION.fold(decode_event(r["type"], r["data"]) for r in rows)
            if not state.exists or state.terms is None:
                continue
            await conn.execute(_UPSERT, state.solicitation_id, state.agency_id, state.status,
                               state.terms.solicitation_type, state.terms.title, rows[0]["occurred_at"],
                               state.published_at, state.terms.submission_deadline, version)


class ListFilters(msgspec.Struct, frozen=True, kw_only=True):
    agency: str | None = None  # None: every agency (oversight)
    status: str | None = None
    solicitation_type: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    deadline_from: datetime | None = None
    deadline_to: datetime | None = None
    #: drafts are the agency's own business: listed only for its staff and oversight
    include_drafts: bool = True


async def list_solicitations(conn: Any, filters: ListFilters, *, limit: int,
                             after: str | None) -> tuple[list[Any], str | None]:
    """A page of rows newest first and the cursor of the next page (None: the last)."""
    query = cursor.fingerprint("solicitations.list", msgspec.to_builtins(filters))
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    where = ["true"]
    for column, value, op in (
        ("agency_id", filters.agency, "="), ("status", filters.status, "="),
        ("solicitation_type", filters.solicitation_type, "="),
        ("created_at", filters.created_from, ">="), ("created_at", filters.created_to, "<"),
        ("submission_deadline", filters.deadline_from, ">="),
        ("submission_deadline", filters.deadline_to, "<"),
    ):
        if value is not None:
            where.append(f"{column} {op} {arg(value)}")
    if not filters.include_drafts:
        where.append("status <> 'draft'")
    if after is not None:
        try:
            created, last_id = cursor.decode(after, query)
            created = datetime.fromisoformat(created)
        except (TypeError, ValueError) as exc:  # a cursor of this query holds two values
            raise field_error("cursor", "not a cursor returned by this list") from exc
        where.append(f"(created_at, solicitation_id) < ({arg(created)}::timestamptz,"
                     f" {arg(last_id)})")
    rows = await conn.fetch(
        f"SELECT * FROM solicitations_list WHERE {' AND '.join(where)}"
        f" ORDER BY created_at DESC, solicitation_id DESC LIMIT {arg(limit + 1)}", *args)
    if len(rows) <= limit:
        return list(rows), None
    last = rows[limit - 1]
    return list(rows[:limit]), cursor.encode(query, [last["created_at"].isoformat(), last["solicitation_id"]])
