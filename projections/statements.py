"""Running a projection's SQL in event order, in as few round trips as possible.

Two shapes: ``execute_in_order`` takes ``(sql, args)`` statements and sends consecutive
statements with the same SQL as one ``executemany``; ``apply_in_runs`` sends a run of events
of one type as column arrays to set-based SQL (``Bulk``). Either way the order of different
statements is kept, so the outcome equals applying the events one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Any

from infra.db import Connection

if TYPE_CHECKING:
    from events.base import Event
    from infra.eventstore import RecordedEvent

Statement = tuple[str, tuple[Any, ...]]
_PLACEHOLDER = re.compile(r"\$(\d+)")


async def execute_in_order(conn: Connection, statements: Iterable[Statement]) -> None:
    for sql, group in groupby(statements, key=lambda s: s[0]):
        rows = [args for _, args in group]
        if len(rows) == 1:
            await conn.execute(sql, *rows[0])
        else:
            await conn.executemany(sql, rows)


@dataclass(frozen=True)
class Bulk:
    """Set-based SQL for one event type.

    A run of consecutive events of that type is turned into rows (``row``) and every
    statement receives the run as column arrays (``unnest($1::text[], ...)``), in order: one
    round trip per statement per run, however long the run. A statement gets the leading
    columns up to the highest ``$n`` it names. Statements must tolerate the same key twice
    in a run (``DISTINCT ON`` the latest position, or keyed facts).
    """

    statements: tuple[str, ...]
    row: Callable[[RecordedEvent], tuple[Any, ...]]


async def apply_in_runs(conn: Connection, events: Iterable[RecordedEvent],
                        handlers: Mapping[type[Event], Bulk]) -> None:
    for event_type, run in groupby(events, key=lambda r: type(r.event)):
        handler = handlers.get(event_type)
        if handler is None:
            continue
        rows = [handler.row(recorded) for recorded in run]
        columns = [list(column) for column in zip(*rows, strict=True)]
        for sql in handler.statements:
            await conn.execute(sql, *columns[: _arity(sql)])


def _arity(sql: str) -> int:
    return max((int(n) for n in _PLACEHOLDER.findall(sql)), default=0)


def fields(recorded: RecordedEvent) -> Any:
    """The event's payload, read by field name: a projection dispatches on the event class, so the
    concrete type is known by contract rather than to the type checker."""
    return recorded.event


def position(recorded: RecordedEvent) -> tuple[int, int]:
    """Where the event stands in the stream, as ``(src_tx, src_pos)``: what a read model row keeps
    so that an older event never overwrites a newer one."""
    return recorded.position.transaction_id, recorded.position.position
