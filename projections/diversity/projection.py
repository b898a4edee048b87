"""The ``diversity`` projection: certification windows, bids, awards and spend pre-aggregated
by agency, day, commodity category, currency and program."""

from __future__ import annotations

from collections.abc import Sequence

from infra.db import Connection
from infra.eventstore import RecordedEvent
from projections.base import types_of
from projections.diversity import activity_rows, reference_rows
from projections.statements import apply_in_runs

HANDLERS = {**reference_rows.HANDLERS, **activity_rows.HANDLERS}


class DiversityProjection:
    name = "diversity"
    tables: Sequence[str] = ("diversity_agencies", "diversity_vendors", "diversity_certifications",
              "diversity_solicitations", "diversity_contracts", "diversity_bids", "diversity_awards",
              "diversity_payments", "diversity_refunds", "diversity_spend_daily", "diversity_spend_monthly")
    types: frozenset[str] | None = types_of(*HANDLERS)

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        await apply_in_runs(conn, events, HANDLERS)
