"""Builds the payment audit trail from invoice and payment events.

Deterministic: everything, hashes included, derives from the events in global order,
so a rebuild reproduces the live chain exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from events.invoices import (
    InvoiceAccepted,
    InvoiceApproved,
    InvoiceDisputed,
    InvoiceResubmitted,
    InvoiceSubmitted,
    ReceiptConfirmed,
)
from events.payments import (
    FundingSourceSet,
    PaymentDisputed,
    PaymentFailed,
    PaymentRefunded,
    PaymentRetried,
    PaymentStarted,
    PaymentSucceeded,
)
from infra.db import Connection
from kernel.money import fmt
from projections.base import types_of
from projections.payment_audit.chain import GENESIS, entry_hash


class Fact(msgspec.Struct, frozen=True, kw_only=True):
    """What an audit entry says about one event, before it joins the chain."""

    kind: str  # "invoice" | "payment" | "agency": whose links identify the parties
    key: str
    summary: str
    amount: int | None = None
    currency: str | None = None


def _fact(event: Any) -> Fact:
    match event:
        case InvoiceSubmitted():
            return Fact(kind="invoice", key=event.invoice_id, amount=event.total.amount,
                        currency=event.total.currency,
                        summary=f"invoice {event.number} submitted for {fmt(event.total)}")
        case InvoiceAccepted():
            how = "deemed accepted (no action in 7 days)" if event.deemed else "accepted as proper"
            return Fact(kind="invoice", key=event.invoice_id, summary=f"{how}; due {event.due_date}")
        case InvoiceDisputed():
            return Fact(kind="invoice", key=event.invoice_id, summary=f"disputed: {event.reason}")
        case InvoiceResubmitted():
            return Fact(kind="invoice", key=event.invoice_id, amount=event.total.amount,
                        currency=event.total.currency, summary=f"resubmitted for {fmt(event.total)}")
        case ReceiptConfirmed():
            return Fact(kind="invoice", key=event.invoice_id,
                        summary="receipt confirmed" + (f": {event.note}" if event.note else ""))
        case InvoiceApproved():
            return Fact(kind="invoice", key=event.invoice_id, amount=event.amount.amount,
                        currency=event.amount.currency,
                        summary=f"approved {fmt(event.amount)} for payment {event.payment_id}")
        case PaymentStarted():
            interest = f" plus {fmt(event.interest)} interest" if event.interest and event.interest.amount else ""
            if event.compensation is not None:
                interest += f" plus {fmt(event.compensation)} compensation for late payment"
            return Fact(kind="payment", key=event.payment_id, amount=event.amount.amount,
                        currency=event.amount.currency,
                        summary=f"payment started at Stripe ({event.stripe_payment_intent}){interest}")
        case PaymentRetried():
            return Fact(kind="payment", key=event.payment_id, amount=event.amount.amount,
                        currency=event.amount.currency,
                        summary=f"retry {event.attempt} at Stripe ({event.stripe_payment_intent})")
        case PaymentSucceeded():
            return Fact(kind="payment", key=event.payment_id,
                        amount=event.amount.amount + event.interest.amount
                        + (event.compensation.amount if event.compensation else 0),
                        currency=event.amount.currency,
                        summary=f"Stripe reports paid ({event.stripe_event_id or event.stripe_payment_intent})")
        case PaymentFailed():
            return Fact(kind="payment", key=event.payment_id,
                        summary=f"Stripe reports failed: {event.reason}")
        case PaymentRefunded():
            return Fact(kind="payment", key=event.payment_id, amount=-event.amount.amount,
                        currency=event.amount.currency,
                        summary=f"refunded {fmt(event.amount)} ({event.refund_id})"
                        + (f": {event.reason}" if event.reason else ""))
        case PaymentDisputed():
            amount = event.amount
            return Fact(kind="payment", key=event.payment_id,
                        amount=amount.amount if amount else None,
                        currency=amount.currency if amount else None,
                        summary=f"disputed at the bank ({event.dispute_id}): {event.reason}")
        case FundingSourceSet():
            return Fact(kind="agency", key=event.agency_id,
                        summary=f"funding source set to {event.payment_method}")
    raise TypeError(f"not an audited event: {event!r}")


class PaymentAuditProjection:
    name = "payment_audit"
    tables: Sequence[str] = ("payment_audit_entries", "payment_audit_links", "payment_audit_timeliness")
    types: frozenset[str] | None = types_of(InvoiceSubmitted, InvoiceAccepted, InvoiceDisputed, InvoiceResubmitted,
                     ReceiptConfirmed, InvoiceApproved, PaymentStarted, PaymentRetried,
                     PaymentSucceeded, PaymentFailed, PaymentRefunded, PaymentDisputed,
                     FundingSourceSet)

    async def apply(self, conn: Connection, events: Sequence[Any]) -> None:
        for recorded in events:
            event = recorded.event
            await _link(conn, event)
            fact = _fact(event)
            link = await _parties(conn, fact)
            if link is None:
                raise LookupError(f"{fact.kind} {fact.key} has no submission or start on record")
            await _timeliness(conn, event, link)
            last = await conn.fetchrow(
                "SELECT seq, hash FROM payment_audit_entries WHERE agency_id = $1"
                " ORDER BY seq DESC LIMIT 1", link["agency_id"])
            meta = recorded.metadata
            entry = {
                "agency_id": link["agency_id"], "seq": (last["seq"] + 1) if last else 1,
                "event_id": recorded.event_id, "event_type": recorded.type,
                "occurred_at": meta.occurred_at, "actor": meta.actor or "system",
                "actor_role": meta.actor_role or "system", "contract_id": link["contract_id"],
                "invoice_id": link["invoice_id"],
                "payment_id": fact.key if fact.kind == "payment" else None,
                "vendor_id": link["vendor_id"], "amount": fact.amount, "currency": fact.currency,
                "summary": fact.summary, "prev_hash": last["hash"] if last else GENESIS,
            }
            entry["hash"] = entry_hash(entry)
            await conn.execute(
                "INSERT INTO payment_audit_entries (agency_id, seq, event_id, event_type,"
                " occurred_at, actor, actor_role, contract_id, invoice_id, payment_id, vendor_id,"
                " amount, currency, summary, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                " $8, $9, $10, $11, $12, $13, $14, $15, $16)", *entry.values())


async def _parties(conn: Connection, fact: Fact) -> Any:
    if fact.kind == "agency":
        return {"agency_id": fact.key, "contract_id": None, "invoice_id": None, "vendor_id": None}
    return await conn.fetchrow(
        "SELECT * FROM payment_audit_links WHERE kind = $1 AND id = $2", fact.kind, fact.key)


async def _link(conn: Connection, event: Any) -> None:
    match event:
        case InvoiceSubmitted():
            await conn.execute(
                "INSERT INTO payment_audit_links VALUES ('invoice', $1, $2, $3, $1, $4)"
                " ON CONFLICT DO NOTHING",
                event.invoice_id, event.agency_id, event.contract_id, event.vendor_id)
        case PaymentStarted():
            await conn.execute(
                "INSERT INTO payment_audit_links VALUES ('payment', $1, $2, $3, $4, $5)"
                " ON CONFLICT DO NOTHING",
                event.payment_id, event.agency_id, event.contract_id, event.invoice_id,
                event.vendor_id)


#: the events whose time is when an invoice was received
_RECEIVED = sorted(types_of(InvoiceSubmitted, InvoiceResubmitted))


async def _timeliness(conn: Connection, event: Any, link: Any) -> None:
    """Rows of the prompt-payment report: when the invoice came in, was due and was paid."""
    match event:
        case PaymentStarted():
            received_at = await conn.fetchval(
                "SELECT occurred_at FROM payment_audit_entries WHERE invoice_id = $1 AND"
                " event_type = ANY($2::text[]) ORDER BY seq DESC LIMIT 1",
                event.invoice_id, _RECEIVED)
            await conn.execute(
                "INSERT INTO payment_audit_timeliness (payment_id, agency_id, invoice_id,"
                " received_at, due_date, currency) VALUES ($1, $2, $3, $4, $5, $6)"
                " ON CONFLICT DO NOTHING", event.payment_id, link["agency_id"], event.invoice_id,
                received_at, event.due_date, event.amount.currency)
        case PaymentSucceeded():
            await conn.execute(
                "UPDATE payment_audit_timeliness SET paid_at = $2, interest = $3"
                " WHERE payment_id = $1", event.payment_id, event.paid_at, event.interest.amount)
