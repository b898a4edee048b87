"""The ``search`` projection: solicitations, agencies and the public vendor directory.

Every row keeps the global position of the last event applied to it and every write is
guarded by it, so an event applied a second time (a redelivery, a replay) changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from infra.db import Connection
from infra.eventstore import RecordedEvent
from projections.base import types_of
from projections.search import agency_rows, solicitation_rows, vendor_rows
from projections.statements import Statement, execute_in_order

_STATEMENTS = {**agency_rows.HANDLERS, **vendor_rows.HANDLERS}


class SearchProjection:
    name = "search"
    tables: Sequence[str] = ("search_agencies", "search_solicitations", "search_vendors", "search_vendor_certifications")
    types: frozenset[str] | None = types_of(*_STATEMENTS, *solicitation_rows.EVOLVE)

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        # Solicitation rows never depend on vendor or agency rows (and the reverse), so the
        # two parts of a batch may be written one after the other.
        await solicitation_rows.apply(conn, events)
        await execute_in_order(conn, statements_for(events))


def statements_for(events: Sequence[RecordedEvent]) -> list[Statement]:
    found: list[Statement] = []
    for recorded in events:
        handler = _STATEMENTS.get(type(recorded.event))
        if handler is not None:
            found.extend(handler(recorded))
    return found
