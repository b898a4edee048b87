"""What other contexts and read models may know of payments: whose money records a caller
sees (the payment audit trail scopes its views the same way), and the prompt-payment
record of a process (each invoice's due date and each payment's interest, with the rule
that set it), and a vendor's payment record (records retention of its personal data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from events.compliance import RuleApplied
from kernel.context import Actor
from services.payments.deciders.invoice import INVOICE
from services.payments.deciders.payment import PAYMENT

#: a process's record lists at most this many invoices and payments (the newest are last)
RECORD_LIMIT = 200


def agency_scope(actor: Actor) -> str | None:
    """The one agency whose records the caller sees, or ``None`` for all (admin, auditor)."""
    if actor.role in ("admin",) or (actor.role == "auditor" and not actor.agency):
        return None
    return actor.agency or ""  # staff without an agency see nothing


class PaymentRecord(msgspec.Struct, frozen=True, kw_only=True):
    """The rules applied to one invoice (``payment_id`` empty) or one payment of it."""

    contract_id: str
    invoice_id: str
    payment_id: str = ""
    rules: list[RuleApplied]


async def payment_records(executor: Any, conn: Any, solicitation_id: str) -> list[PaymentRecord]:
    """The due dates, interest and compensation decided for the contracts awarded from a
    solicitation, each with its pack, row and citation, in the order they were decided."""
    rows = await conn.fetch(
        "SELECT i.invoice_id, i.contract_id, p.payment_id FROM payments_contracts c"
        " JOIN payments_invoices i ON i.contract_id = c.contract_id"
        " LEFT JOIN payments_payments p ON p.invoice_id = i.invoice_id"
        " WHERE c.solicitation_id = $1"
        " ORDER BY i.received_at, i.invoice_id, p.started_at NULLS FIRST, p.payment_id LIMIT $2",
        solicitation_id, RECORD_LIMIT)
    records: list[PaymentRecord] = []
    seen: set[str] = set()
    for row in rows:
        if row["invoice_id"] not in seen:
            seen.add(row["invoice_id"])
            invoice, _ = await executor.load(INVOICE, row["invoice_id"])
            if invoice.rules_applied:
                records.append(PaymentRecord(contract_id=row["contract_id"], invoice_id=row["invoice_id"],
                                             rules=list(invoice.rules_applied)))
        if row["payment_id"]:
            payment, _ = await executor.load(PAYMENT, row["payment_id"])
            if payment.rules_applied:
                records.append(PaymentRecord(contract_id=row["contract_id"], invoice_id=row["invoice_id"],
                                             payment_id=row["payment_id"], rules=list(payment.rules_applied)))
    return records


class InvoiceFacts(msgspec.Struct, frozen=True, kw_only=True):
    invoice_id: str
    contract_id: str
    agency_id: str
    vendor_id: str
    status: str


async def invoice_facts(executor: Any, invoice_id: str) -> InvoiceFacts | None:
    """The invoice's parties and status, from its own stream (documents attached to it)."""
    state, version = await executor.load(INVOICE, invoice_id)
    if version == 0 or not state.exists:
        return None
    return InvoiceFacts(invoice_id=state.invoice_id, contract_id=state.contract_id,
                        agency_id=state.agency_id, vendor_id=state.vendor_id, status=state.status)


class VendorPayments(msgspec.Struct, frozen=True, kw_only=True):
    """A vendor's payment record: when it was last paid, and what is still owed to it."""

    last_paid_at: datetime | None
    unpaid_invoices: int


async def vendor_payments(pool: Any, vendor_id: str) -> VendorPayments:
    row = await pool.fetchrow(
        "SELECT (SELECT max(paid_at) FROM payments_payments WHERE vendor_id = $1) AS last_paid_at,"
        " (SELECT count(*) FROM payments_invoices WHERE vendor_id = $1 AND status NOT IN ('paid', 'rejected')"
        "  AND paid_amount < total_amount) AS unpaid", vendor_id)
    return VendorPayments(last_paid_at=row["last_paid_at"], unpaid_invoices=row["unpaid"])
