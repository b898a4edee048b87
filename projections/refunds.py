"""Refunds, recorded once each: the rows of the refunds a run adds, for a read model to take off
what it counted for the payment refunded."""

from __future__ import annotations

from typing import Any

from infra.eventstore import RecordedEvent


def refunds_added(table: str) -> str:
    """The start of a refund statement: ``WITH input ..., added AS (...)``, ``added`` being the
    refunds of the run not yet in ``table`` (a replayed refund adds nothing)."""
    return f"""
WITH input AS (
    SELECT DISTINCT ON (event_id) * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::date[])
        AS i(event_id, payment_id, amount, refunded_on)
    ORDER BY event_id
), added AS (
    INSERT INTO {table} (event_id, payment_id, amount, refunded_on) SELECT * FROM input
    ON CONFLICT (event_id) DO NOTHING RETURNING *
)"""


def refund_row(r: RecordedEvent) -> tuple[Any, ...]:
    """``(event_id, payment_id, amount, refunded_on)``: a refund without its own time counts on the
    day it was recorded."""
    e: Any = r.event
    when = e.refunded_at or r.metadata.occurred_at
    return (r.event_id, e.payment_id, e.amount.amount, when.date())
