"""Invoices and payments as finance and vendors list them (a rebuildable read model)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from events.invoices import (
    InvoiceAccepted,
    InvoiceApproved,
    InvoiceDisputed,
    InvoiceResubmitted,
    InvoiceSubmitted,
)
from events.payments import (
    PaymentFailed,
    PaymentRefunded,
    PaymentRetried,
    PaymentStarted,
    PaymentSucceeded,
)
from infra.db import Connection
from projections.base import types_of


class InvoiceListProjection:
    name = "payments_invoices"
    tables: Sequence[str] = ("payments_invoices", "payments_payments")
    types: frozenset[str] | None = types_of(InvoiceSubmitted, InvoiceAccepted, InvoiceDisputed, InvoiceResubmitted,
                     InvoiceApproved, PaymentStarted, PaymentRetried, PaymentSucceeded,
                     PaymentFailed, PaymentRefunded)

    async def apply(self, conn: Connection, events: Sequence[Any]) -> None:
        for recorded in events:
            at = recorded.metadata.occurred_at
            match recorded.event:
                case InvoiceSubmitted() as e:
                    await conn.execute(
                        "INSERT INTO payments_invoices (invoice_id, contract_id, agency_id,"
                        " vendor_id, number, status, total_amount, currency, received_at,"
                        " updated_at, purchase_order_id) VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $7, $8,"
                        " $9, $10) ON CONFLICT (invoice_id) DO NOTHING",
                        e.invoice_id, e.contract_id, e.agency_id, e.vendor_id, e.number,
                        e.total.amount, e.total.currency, e.received_at, at, e.purchase_order_id)
                case InvoiceAccepted() as e:
                    await conn.execute(
                        "UPDATE payments_invoices SET status = 'accepted', accepted_at = $2,"
                        " due_date = $3, updated_at = $4 WHERE invoice_id = $1",
                        e.invoice_id, e.accepted_at, e.due_date, at)
                case InvoiceDisputed() as e:
                    await conn.execute(
                        "UPDATE payments_invoices SET status = 'disputed', updated_at = $2"
                        " WHERE invoice_id = $1", e.invoice_id, at)
                case InvoiceResubmitted() as e:
                    await conn.execute(
                        "UPDATE payments_invoices SET status = 'submitted', total_amount = $2,"
                        " received_at = $3, accepted_at = NULL, due_date = NULL, updated_at = $4"
                        " WHERE invoice_id = $1", e.invoice_id, e.total.amount, e.received_at, at)
                case InvoiceApproved() as e:
                    await conn.execute(
                        "UPDATE payments_invoices SET approved_amount = approved_amount + $2,"
                        " status = CASE WHEN paid_amount > 0 THEN 'partially_paid'"
                        "  WHEN approved_amount + $2 >= total_amount THEN 'approved'"
                        "  ELSE 'partially_approved' END, updated_at = $3 WHERE invoice_id = $1",
                        e.invoice_id, e.amount.amount, at)
                case PaymentStarted() as e:
                    interest = e.interest.amount if e.interest else 0
                    await conn.execute(
                        "INSERT INTO payments_payments (payment_id, invoice_id, contract_id,"
                        " agency_id, vendor_id, status, amount, interest, currency,"
                        " stripe_payment_intent, attempt, started_at) VALUES ($1, $2, $3, $4, $5,"
                        " 'processing', $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
                        e.payment_id, e.invoice_id, e.contract_id, e.agency_id, e.vendor_id,
                        e.amount.amount, interest, e.amount.currency, e.stripe_payment_intent,
                        e.attempt, e.started_at or at)
                case PaymentRetried() as e:
                    await conn.execute(
                        "UPDATE payments_payments SET status = 'processing', attempt = $2,"
                        " stripe_payment_intent = $3, interest = $4 WHERE payment_id = $1",
                        e.payment_id, e.attempt, e.stripe_payment_intent, e.interest.amount)
                case PaymentSucceeded() as e:
                    invoice_id = await conn.fetchval(
                        "UPDATE payments_payments SET status = 'succeeded', paid_at = $2"
                        " WHERE payment_id = $1 RETURNING invoice_id", e.payment_id, e.paid_at)
                    await conn.execute(
                        "UPDATE payments_invoices SET paid_amount = paid_amount + $2,"
                        " interest_paid = interest_paid + $3, last_paid_at = $4,"
                        " status = CASE WHEN paid_amount + $2 >= total_amount THEN 'paid'"
                        "  ELSE 'partially_paid' END, updated_at = $4 WHERE invoice_id = $1",
                        invoice_id or e.invoice_id, e.amount.amount, e.interest.amount, e.paid_at)
                case PaymentFailed() as e:
                    await conn.execute(
                        "UPDATE payments_payments SET status = 'failed' WHERE payment_id = $1",
                        e.payment_id)
                case PaymentRefunded() as e:
                    invoice_id = await conn.fetchval(
                        "UPDATE payments_payments SET refunded = refunded + $2"
                        " WHERE payment_id = $1 RETURNING invoice_id", e.payment_id, e.amount.amount)
                    await conn.execute(
                        "UPDATE payments_invoices SET refunded_amount = refunded_amount + $2,"
                        " updated_at = $3 WHERE invoice_id = $1",
                        invoice_id or e.invoice_id, e.amount.amount, at)


async def list_invoices(
    conn: Connection, *, agency_id: str | None, vendor_ids: Sequence[str] | None, status: str | None,
    overdue_on: date | None, contract_id: str | None, limit: int, offset: int,
) -> tuple[list[Any], int]:
    """Invoices visible to the caller (one agency, some vendors, or all), newest first.

    ``overdue_on``: only invoices past their due date on that day and not fully paid.
    """
    where, args = [], []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if agency_id is not None:
        where.append(f"agency_id = {arg(agency_id)}")
    if vendor_ids is not None:
        where.append(f"vendor_id = ANY({arg(list(vendor_ids))}::text[])")
    if status:
        where.append(f"status = {arg(status)}")
    if contract_id:
        where.append(f"contract_id = {arg(contract_id)}")
    if overdue_on is not None:
        where.append(f"due_date < {arg(overdue_on)} AND paid_amount < total_amount"
                     " AND status <> 'disputed'")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = await conn.fetchval(f"SELECT count(*) FROM payments_invoices {clause}", *args)
    rows = await conn.fetch(
        f"SELECT * FROM payments_invoices {clause} ORDER BY received_at DESC, invoice_id"
        f" LIMIT {arg(limit)} OFFSET {arg(offset)}", *args)
    return rows, total


async def payments_of_invoice(conn: Connection, invoice_id: str) -> list[Any]:
    return await conn.fetch(
        "SELECT * FROM payments_payments WHERE invoice_id = $1 ORDER BY started_at", invoice_id)


async def all_payments(conn: Connection) -> list[Any]:
    return await conn.fetch("SELECT * FROM payments_payments ORDER BY started_at")
