"""Submitting invoices: the invoice, the contract's billing ledger and the vendor's
invoice number change together or not at all (in memory, no servers)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from events.base import Money
from events.invoices import (
    ContractAmountInvoiced,
    InvoiceNumberClaimed,
    InvoiceSubmitted,
    ServicePeriod,
)
from infra.executor import Executor
from kernel.context import Actor
from kernel.errors import Conflict
from services.payments import submission
from services.payments.commands import (
    AgencyTerms,
    ContractTerms,
    DisputeInvoice,
    LineIn,
    ResubmitInvoice,
    SubmitInvoice,
)
from services.payments.deciders.invoice import INVOICE
from tests.unit.application.memory import executor_at

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
VENDOR = Actor(sub="u-vendor", role="vendor", vendor="v1")
PERIOD = ServicePeriod(start=date(2026, 1, 1), end=date(2026, 1, 31))
CONTRACT = ContractTerms(contract_id="c1", agency_id="ag1", vendor_id="v1",
                         value=Money(amount=100_000, currency="USD"), status="active")


def invoice(i: int, total: int = 15_000, number: str | None = None) -> SubmitInvoice:
    return SubmitInvoice(
        invoice_id=f"inv{i}", contract=CONTRACT, agency=AgencyTerms(), number=number or f"N-{i}",
        lines=[LineIn(description="work", quantity=Decimal(1), unit_price=total)], total=total,
        currency="USD", service_period=PERIOD, acting_for=("v1",))


async def _stored(executor: Executor) -> list[object]:
    return [r.event for r in await executor.store.read_all(limit=10_000)]


async def test_an_invoice_its_ledger_entry_and_its_number_are_stored_together():
    executor = executor_at(T0)
    outcome = await submission.submit(executor, VENDOR, invoice(1), "cmd-1")
    assert outcome.state.status == "submitted" and outcome.version == 1
    kinds = [type(e) for e in await _stored(executor)]
    assert kinds == [InvoiceSubmitted, ContractAmountInvoiced, InvoiceNumberClaimed]


async def test_an_invoice_that_would_overdraw_the_contract_leaves_nothing_behind():
    executor = executor_at(T0)
    await submission.submit(executor, VENDOR, invoice(1, total=90_000), None)
    before = await _stored(executor)
    with pytest.raises(Conflict) as refused:
        await submission.submit(executor, VENDOR, invoice(2, total=15_000), None)
    assert refused.value.details["remaining"] == {"amount": 10_000, "currency": "USD"}
    assert await _stored(executor) == before
    assert await executor.store.read_stream("invoice-inv2") == []
    # the refused invoice's number was not claimed: it can be used again
    await submission.submit(executor, VENDOR, invoice(3, total=10_000, number="N-2"), None)


async def test_a_number_used_twice_refuses_the_second_invoice_and_its_ledger_entry():
    executor = executor_at(T0)
    await submission.submit(executor, VENDOR, invoice(1, number="A-1"), None)
    with pytest.raises(Conflict) as refused:
        await submission.submit(executor, VENDOR, invoice(2, number="a-1"), None)
    assert refused.value.code == "duplicate_number"
    ledger = await executor.store.read_stream("contract-billing-c1")
    assert [e.event.invoice_id for e in ledger] == ["inv1"]
    assert await executor.store.read_stream("invoice-inv2") == []


async def test_a_repeated_submission_is_answered_without_appending_again():
    executor = executor_at(T0)
    first = await submission.submit(executor, VENDOR, invoice(1), "cmd-1")
    again = await submission.submit(executor, VENDOR, invoice(1), "cmd-1")
    assert again.duplicate and again.version == first.version
    assert len(await _stored(executor)) == 3


async def test_a_resubmission_is_checked_against_the_contract_terms_of_now():
    executor = executor_at(T0)
    await submission.submit(executor, VENDOR, invoice(1, total=90_000), None)
    await submission.submit(executor, VENDOR, invoice(2, total=10_000), None)
    finance = Actor(sub="u-fin", role="finance", agency="ag1")
    await executor.execute(INVOICE, "inv2", DisputeInvoice(reason="wrong hours"), finance)

    async def terms(conn: object, contract_id: str) -> ContractTerms | None:
        return CONTRACT if contract_id == "c1" else None

    resubmit = ResubmitInvoice(lines=[LineIn(description="work", quantity=Decimal(1), unit_price=20_000)],
                               total=20_000, service_period=PERIOD, acting_for=("v1",))
    with pytest.raises(Conflict) as refused:
        await submission.resubmit(executor, VENDOR, "inv2", resubmit, None, terms=terms)
    assert refused.value.details["remaining"]["amount"] == 10_000
