"""What other contexts and read models may know of payments: whose money records a caller
sees (the payment audit trail scopes its views the same way), and the prompt-payment
record of a process (each invoice's due date and each payment's interest, with the rule
that set it), a vendor's payment record (records retention of its personal data), and
the invoices overdue today with the interest they have accrued (late-payment exposure)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import msgspec

from events.base import Money
from events.compliance import PaymentTerms, RuleApplied
from kernel.context import Actor
from services.payments import prompt_payment
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


class OutstandingInvoice(msgspec.Struct, frozen=True, kw_only=True):
    """An accepted invoice past its prompt-payment due date and not (fully) paid, with the
    late-payment interest it has accrued through ``as_of`` (the agency's local date)."""

    invoice_id: str
    contract_id: str
    agency_id: str
    vendor_id: str
    number: str
    due_date: date
    as_of: date
    days_overdue: int
    unpaid: Money
    accrued_interest: Money


def accrued(unpaid: Money, due: date | None, now: datetime, annual_rate: float,
            terms: PaymentTerms | None) -> tuple[date, Money] | None:
    """(the agency's local date, interest accrued through it) on ``unpaid`` past ``due``,
    by the same rules a payment made today would be charged; ``None`` when not overdue."""
    today = prompt_payment.paid_on_date(now, terms)
    if due is None or unpaid.amount <= 0 or today <= due:
        return None
    return today, prompt_payment.late_charges(unpaid, due, today, annual_rate, terms).interest


async def outstanding_invoices(executor: Any, pool: Any, agency_id: str | None, now: datetime) -> list[OutstandingInvoice]:
    """Every overdue unpaid invoice of one agency (``None``: of all), oldest due first. The
    rate and rule pack are the invoice's own (copied on it at submission)."""
    rows = await pool.fetch(
        "SELECT invoice_id, number, total_amount - paid_amount AS unpaid, currency, due_date"
        " FROM payments_invoices WHERE ($1::text IS NULL OR agency_id = $1) AND due_date IS NOT NULL"
        " AND due_date < $2::date AND paid_amount < total_amount AND status NOT IN ('submitted', 'disputed')"
        " ORDER BY due_date, invoice_id", agency_id, now.date() + timedelta(days=1))
    found = []
    for row in rows:
        state, _ = await executor.load(INVOICE, row["invoice_id"])
        unpaid = Money(amount=row["unpaid"], currency=row["currency"])
        if not state.exists or state.status == "disputed" or state.due_date is None:
            continue
        owed = accrued(unpaid, state.due_date, now, state.late_interest_annual_rate, state.payment_terms)
        if owed is None:
            continue
        today, interest = owed
        found.append(OutstandingInvoice(
            invoice_id=state.invoice_id, contract_id=state.contract_id, agency_id=state.agency_id,
            vendor_id=state.vendor_id, number=state.number, due_date=state.due_date, as_of=today,
            days_overdue=(today - state.due_date).days, unpaid=unpaid, accrued_interest=interest))
    return found
