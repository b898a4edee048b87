"""Finance and audit views of the payment audit trail, and the prompt-payment report."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from asyncpg import Pool
from litestar import Controller, get
from litestar.params import Parameter
from litestar.response import Stream

from events.base import Money
from infra.clock import Clock
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import Forbidden, field_error
from projections.payment_audit.chain import BrokenLink
from projections.payment_audit.queries import (
    Filters,
    audit_page,
    audit_rows,
    prompt_payment_summary,
    verify_chain,
)
from services.payments.facts import OutstandingInvoice, agency_scope, outstanding_invoices

READERS = ("finance", "auditor", "admin")
#: overdue invoices listed one by one in the prompt-payment report (all are counted)
OUTSTANDING_LISTED = 200
# NUL cannot be compared with stored text: refused here, before a CSV starts streaming
Id = Annotated[str | None, Parameter(max_length=100, pattern=r"^[^\x00]*$")]
Limit = Annotated[int, Parameter(ge=1, le=500)]
Offset = Annotated[int, Parameter(ge=0, le=10_000_000)]
CSV_COLUMNS = ("agency_id", "seq", "occurred_at", "event_type", "actor", "actor_role",
               "contract_id", "invoice_id", "payment_id", "vendor_id", "amount", "currency",
               "summary", "event_id", "prev_hash", "hash")


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    agency_id: str
    seq: int
    event_id: str
    event_type: str
    occurred_at: datetime
    actor: str
    actor_role: str
    contract_id: str | None
    invoice_id: str | None
    payment_id: str | None
    vendor_id: str | None
    amount: Money | None
    summary: str
    prev_hash: str
    hash: str


class AuditPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[AuditEntry]
    total: int
    limit: int
    offset: int


class Verification(msgspec.Struct, frozen=True, kw_only=True):
    #: None: every agency's chain was verified (admins and auditors who name no agency)
    agency_id: str | None
    entries: int
    valid: bool
    first_broken: BrokenLink | None
    head_hash: str | None


class CurrencyCompliance(msgspec.Struct, frozen=True, kw_only=True):
    currency: str
    payments: int
    paid_on_time: int
    share_on_time: float
    average_days_to_pay: float | None
    interest_paid: Money


class AgencyExposure(msgspec.Struct, frozen=True, kw_only=True):
    """One agency's overdue unpaid invoices in one currency."""

    agency_id: str
    currency: str
    invoices: int
    unpaid: Money
    accrued_interest: Money
    oldest_due_date: date


class Outstanding(msgspec.Struct, frozen=True, kw_only=True):
    """Late-payment exposure now: accepted invoices past their prompt-payment due date and not
    paid, with the interest accrued to today by the rules a payment made today would be
    charged (each invoice on its agency's local date)."""

    as_of: datetime
    invoices: int
    by_agency: list[AgencyExposure]
    #: the oldest-due first, at most ``OUTSTANDING_LISTED`` of them
    items: list[OutstandingInvoice]
    truncated: bool


class PromptPaymentReport(msgspec.Struct, frozen=True, kw_only=True):
    agency_id: str | None  # None: every agency
    payments: int
    paid_on_time: int
    share_on_time: float | None
    by_currency: list[CurrencyCompliance]
    outstanding: Outstanding


def _entry(row: Any) -> AuditEntry:
    amount = (Money(amount=row["amount"], currency=row["currency"])
              if row["amount"] is not None and row["currency"] else None)
    return AuditEntry(
        agency_id=row["agency_id"], seq=row["seq"], event_id=row["event_id"],
        event_type=row["event_type"], occurred_at=row["occurred_at"], actor=row["actor"],
        actor_role=row["actor_role"], contract_id=row["contract_id"],
        invoice_id=row["invoice_id"], payment_id=row["payment_id"], vendor_id=row["vendor_id"],
        amount=amount, summary=row["summary"], prev_hash=row["prev_hash"], hash=row["hash"])


def _agency_for(actor: Actor, requested: str | None) -> str | None:
    """The agency whose trail the caller reads: staff only ever see their own agency;
    admins and auditors see the agency they name, or every agency."""
    scope = agency_scope(actor)
    if scope is not None:
        if requested is not None and requested != scope:
            raise Forbidden("you may only read your own agency's payment records")
        return scope
    return requested


def _window(since: datetime | None, until: datetime | None) -> None:
    for name, value in (("from", since), ("to", until)):
        if value is not None and value.tzinfo is None:
            raise field_error(name, "needs a timezone, e.g. 2026-01-01T00:00:00Z")
    if since is not None and until is not None and until <= since:
        raise field_error("to", "must be after from")


class PaymentAuditController(Controller):
    tags = ["payments"]
    guards = [requires(*READERS)]

    @get("/payments/audit", summary="The audit trail of money events, filtered and paged",
         responses=error_responses(401, 403, 422))
    async def page(self, pool: Pool, actor: Actor, agency: Id = None, contract: Id = None,
                   vendor: Id = None, invoice: Id = None, payment: Id = None,
                   since: Annotated[datetime | None, Parameter(query="from")] = None,
                   until: Annotated[datetime | None, Parameter(query="to")] = None,
                   limit: Limit = 100, offset: Offset = 0) -> AuditPage:
        _window(since, until)
        filters = Filters(agency=_agency_for(actor, agency), contract=contract, vendor=vendor,
                          invoice=invoice, payment=payment, since=since, until=until)
        async with pool.acquire() as conn:
            rows, total = await audit_page(conn, filters, limit=limit, offset=offset)
        return AuditPage(items=[_entry(r) for r in rows], total=total, limit=limit, offset=offset)

    @get("/payments/audit/export", summary="The filtered audit trail as CSV",
         responses=error_responses(401, 403, 422), media_type="text/csv")
    async def export(self, pool: Pool, actor: Actor, agency: Id = None, contract: Id = None,
                     vendor: Id = None, invoice: Id = None, payment: Id = None,
                     since: Annotated[datetime | None, Parameter(query="from")] = None,
                     until: Annotated[datetime | None, Parameter(query="to")] = None) -> Stream:
        _window(since, until)
        filters = Filters(agency=_agency_for(actor, agency), contract=contract, vendor=vendor,
                          invoice=invoice, payment=payment, since=since, until=until)

        async def lines() -> AsyncIterator[str]:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(CSV_COLUMNS)
            async with pool.acquire() as conn, conn.transaction():
                async for row in audit_rows(conn, filters):
                    writer.writerow([_csv_value(row[c]) for c in CSV_COLUMNS])
                    if buffer.tell() > 64 * 1024:
                        yield _drain(buffer)
            yield _drain(buffer)

        return Stream(lines(), media_type="text/csv", headers={
            "Content-Disposition": 'attachment; filename="payment-audit.csv"'})

    @get("/payments/audit/verify", summary="Recompute an agency's hash chain; report the first broken link",
         responses=error_responses(401, 403, 422))
    async def verify(self, pool: Pool, actor: Actor, agency: Id = None) -> Verification:
        agency_id = _agency_for(actor, agency)
        async with pool.acquire() as conn:
            count, broken, head = await verify_chain(conn, agency_id)
        return Verification(agency_id=agency_id, entries=count, valid=broken is None,
                            first_broken=broken, head_hash=head)


class PromptPaymentReportController(Controller):
    tags = ["reports"]
    guards = [requires(*READERS)]

    @get("/reports/prompt-payment",
         summary="Prompt-payment compliance: payments on time, average days to pay, interest paid",
         description="Payments made in the period (``from``/``to``), and ``outstanding``: the invoices "
         "overdue and unpaid now, per agency, with the interest they have accrued to today.",
         responses=error_responses(401, 403, 422))
    async def report(self, pool: Pool, executor: Executor, clock: Clock, actor: Actor, agency: Id = None,
                     since: Annotated[datetime | None, Parameter(query="from")] = None,
                     until: Annotated[datetime | None, Parameter(query="to")] = None) -> PromptPaymentReport:
        _window(since, until)
        agency_id = _agency_for(actor, agency)
        async with pool.acquire() as conn:
            rows = await prompt_payment_summary(conn, agency_id, since, until)
        by_currency = [CurrencyCompliance(
            currency=r["currency"], payments=r["paid"], paid_on_time=r["on_time"],
            share_on_time=round(r["on_time"] / r["paid"], 4),
            average_days_to_pay=round(float(r["average_days"]), 2) if r["average_days"] is not None else None,
            interest_paid=Money(amount=int(r["interest"]), currency=r["currency"])) for r in rows]
        paid = sum(c.payments for c in by_currency)
        on_time = sum(c.paid_on_time for c in by_currency)
        await clock.refresh()
        now = clock.now()
        return PromptPaymentReport(agency_id=agency_id, payments=paid, paid_on_time=on_time,
                                   share_on_time=round(on_time / paid, 4) if paid else None,
                                   by_currency=by_currency,
                                   outstanding=_outstanding(now, await outstanding_invoices(
                                       executor, pool, agency_id, now)))


def _outstanding(now: datetime, invoices: list[OutstandingInvoice]) -> Outstanding:
    groups: dict[tuple[str, str], list[OutstandingInvoice]] = {}
    for invoice in invoices:
        groups.setdefault((invoice.agency_id, invoice.unpaid.currency), []).append(invoice)
    by_agency = [AgencyExposure(
        agency_id=agency, currency=currency, invoices=len(items),
        unpaid=Money(amount=sum(i.unpaid.amount for i in items), currency=currency),
        accrued_interest=Money(amount=sum(i.accrued_interest.amount for i in items), currency=currency),
        oldest_due_date=min(i.due_date for i in items)) for (agency, currency), items in sorted(groups.items())]
    return Outstanding(as_of=now, invoices=len(invoices), by_agency=by_agency,
                       items=invoices[:OUTSTANDING_LISTED], truncated=len(invoices) > OUTSTANDING_LISTED)


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never let a spreadsheet run a formula from a summary
    return "" if value is None else value


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
