"""Agency events -> ``search_agencies`` (names shown beside results and facets)."""

from __future__ import annotations

from collections.abc import Callable

from events.agencies import AgencyRegistered
from events.base import Event
from infra.eventstore import RecordedEvent
from projections.statements import Statement, fields

_AGENCY = """
INSERT INTO search_agencies (agency_id, src_tx, src_pos, name) VALUES ($1, $2, $3, $4)
ON CONFLICT (agency_id) DO UPDATE SET name = EXCLUDED.name, src_tx = EXCLUDED.src_tx,
    src_pos = EXCLUDED.src_pos
WHERE (search_agencies.src_tx, search_agencies.src_pos) < (EXCLUDED.src_tx, EXCLUDED.src_pos)
"""


def registered(r: RecordedEvent) -> list[Statement]:
    return [(_AGENCY, (fields(r).agency_id, *r.position, fields(r).name))]


HANDLERS: dict[type[Event], Callable[[RecordedEvent], list[Statement]]] = {
    AgencyRegistered: registered,
}
