"""The ``spend`` projection: payments pre-aggregated by agency, month, commodity category,
vendor, currency, programs and locality, with the contracts and vendors the forecast reads."""

from __future__ import annotations

from collections.abc import Sequence

from infra.db import Connection
from infra.eventstore import RecordedEvent
from projections.base import types_of
from projections.spend import payment_rows, reference_rows
from projections.statements import apply_in_runs

HANDLERS = {**reference_rows.HANDLERS, **payment_rows.HANDLERS}


class SpendProjection:
    name = "spend"
    tables: Sequence[str] = ("spend_vendors", "spend_certifications", "spend_solicitations", "spend_contracts",
                             "spend_invoices", "spend_payments", "spend_refunds", "spend_cube",
                             "spend_cube_agency", "spend_cube_vendor")
    types: frozenset[str] | None = types_of(*HANDLERS)

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        await apply_in_runs(conn, events, HANDLERS)
