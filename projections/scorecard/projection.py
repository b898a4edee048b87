"""The ``scorecard`` projection: per vendor, the ratings, amendments, disputed invoices and
protests a scorecard adds up. Few events and each one small: applied one by one, in order,
so an amendment is measured against the value in force just before it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from events.awards import ProtestDecided, ProtestFiled
from events.contracts import (
    ContractModified,
    ContractOpened,
    DeliverableOverdue,
    PerformanceRated,
    SubmissionDecided,
)
from events.invoices import InvoiceDisputed, InvoiceSubmitted
from infra.db import Connection
from infra.eventstore import RecordedEvent
from projections.base import types_of

# The amendment is recorded once, with the value and end in force before it; only then do
# they move (a replayed amendment finds its row and changes nothing).
_AMENDED = """
WITH added AS (
    INSERT INTO scorecard_amendments (contract_id, number, agency_id, vendor_id, kind, currency, value_before,
        value_after, original_value, end_before, end_after, modified_on)
    SELECT c.contract_id, $2, c.agency_id, c.vendor_id, $3, c.currency, c.current_value, $4, c.original_value,
        c.current_end, $5, $6
    FROM scorecard_contracts c WHERE c.contract_id = $1
    ON CONFLICT (contract_id, number) DO NOTHING RETURNING contract_id
)
UPDATE scorecard_contracts SET current_value = $4, current_end = $5 WHERE contract_id IN (SELECT * FROM added)
"""

_DELIVERABLE = (
    "INSERT INTO scorecard_deliverables SELECT $1, $2, c.vendor_id, $3, $4, $5 FROM scorecard_contracts c"
    " WHERE c.contract_id = $2 ON CONFLICT (event_id) DO NOTHING")


async def _apply(conn: Connection, recorded: RecordedEvent) -> None:
    e: Any = recorded.event
    day = recorded.metadata.occurred_at.date()
    match e:
        case ContractOpened():
            await conn.execute(
                "INSERT INTO scorecard_contracts VALUES ($1, $2, $3, $4, $5, $5, $6, $6)"
                " ON CONFLICT (contract_id) DO NOTHING",
                e.contract_id, e.agency_id, e.vendor_id, e.value.currency, e.value.amount, e.end_date)
        case ContractModified():
            await conn.execute(_AMENDED, e.contract_id, e.number, e.kind, e.value.amount, e.end_date,
                               (e.modified_at.date() if e.modified_at else day))
        case PerformanceRated():
            await conn.execute(
                "INSERT INTO scorecard_ratings SELECT $1, $2, c.agency_id, $3, $4, $5, $6, $7, $8"
                " FROM scorecard_contracts c WHERE c.contract_id = $2 ON CONFLICT (rating_id) DO NOTHING",
                e.rating_id, e.contract_id, e.vendor_id, e.quality, e.timeliness, e.cost_control,
                e.communication, e.rated_at.date())
        case InvoiceSubmitted():
            await conn.execute(
                "INSERT INTO scorecard_invoices VALUES ($1, $2, $3, $4) ON CONFLICT (invoice_id) DO NOTHING",
                e.invoice_id, e.contract_id, e.agency_id, e.vendor_id)
        case InvoiceDisputed():
            await conn.execute(
                "INSERT INTO scorecard_disputes VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING",
                recorded.event_id, e.invoice_id, e.disputed_at.date())
        case ProtestFiled():
            await conn.execute(
                "INSERT INTO scorecard_protests VALUES ($1, $2, $3, $4, $5, NULL) ON CONFLICT (protest_id) DO NOTHING",
                e.protest_id, e.vendor_id, e.award_id, e.solicitation_id, e.filed_at.date())
        case SubmissionDecided():
            await conn.execute(_DELIVERABLE, recorded.event_id, e.contract_id, e.deliverable_id,
                               "accepted" if e.accepted else "rejected", e.decided_at.date())
        case DeliverableOverdue():
            await conn.execute(_DELIVERABLE, recorded.event_id, e.contract_id, e.deliverable_id, "overdue",
                               e.noticed_at.date())
        case ProtestDecided():
            await conn.execute("UPDATE scorecard_protests SET outcome = $2 WHERE protest_id = $1",
                               e.protest_id, e.outcome)


class ScorecardProjection:
    name = "scorecard"
    tables: Sequence[str] = ("scorecard_contracts", "scorecard_amendments", "scorecard_ratings",
                             "scorecard_invoices", "scorecard_disputes", "scorecard_protests",
                             "scorecard_deliverables")
    types: frozenset[str] | None = types_of(ContractOpened, ContractModified, PerformanceRated, InvoiceSubmitted,
                                            InvoiceDisputed, ProtestFiled, ProtestDecided,
                                            SubmissionDecided, DeliverableOverdue)

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:
            await _apply(conn, recorded)
