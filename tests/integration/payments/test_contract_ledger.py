"""The contract billing ledger under concurrent submissions, on real PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

from events.base import Metadata, Money
from events.contracts import ContractActivated, ContractOpened
from events.invoices import ServicePeriod
from infra.container import open_civic
from infra.runner import Runner
from kernel.context import Actor
from kernel.errors import Conflict
from services.payments import submission
from services.payments.commands import AgencyTerms, LineIn, SubmitInvoice
from services.payments.readmodel.invoices import InvoiceListProjection
from services.payments.readmodel.terms import PaymentTermsProjection, contract_terms
from tests.support import eventually

VENDOR = Actor(sub="u1", role="vendor", vendor="v1")


async def test_concurrent_submissions_never_overdraw_and_the_read_model_rebuilds_the_same(isolated):
    settings = await isolated()
    civic = await open_civic(settings, with_nats=False)
    try:
        now = datetime.now(UTC)
        await civic.store.append("contract-c1", 0, [
            ContractOpened(contract_id="c1", award_id="a1", solicitation_id="s1", agency_id="ag1",
                           vendor_id="v1", value=Money(amount=100_000, currency="USD"),
                           start_date=date(2026, 1, 1), end_date=date(2027, 1, 1), terms_ref="t",
                           requires_receipt=False),
            ContractActivated(contract_id="c1", activated_at=now)], Metadata(occurred_at=now))
        terms = Runner(PaymentTermsProjection(), civic.store, settings)

        async def projected():
            # the global order shows a commit once every older transaction has ended
            await terms.catch_up()
            async with civic.pool.acquire() as conn:
                return await contract_terms(conn, "c1")

        contract = await eventually(projected, what="the contract in the read model")
        assert contract.status == "active"

        async def submit(i: int):
            command = SubmitInvoice(
                invoice_id=f"inv{i}", contract=contract, agency=AgencyTerms(), number=f"N-{i}",
                lines=[LineIn(description="work", quantity=Decimal(1), unit_price=15_000)],
                total=15_000, currency="USD",
                service_period=ServicePeriod(start=date(2026, 1, 1), end=date(2026, 1, 31)),
                acting_for=("v1",))
            try:
                await submission.submit(civic.executor, VENDOR, command, None)
                return "ok"
            except Conflict as exc:
                return exc.details["remaining"]["amount"]

        results = await asyncio.gather(*[submit(i) for i in range(10)])
        assert results.count("ok") == 6
        assert sorted(r for r in results if r != "ok") == [10_000] * 4
        ledger = await civic.store.read_stream("contract-billing-c1")
        assert ledger[-1].event.invoiced_total.amount == 90_000 and len(ledger) == 6
        invoices = await civic.pool.fetchval(
            "SELECT count(*) FROM events WHERE type = 'invoices.InvoiceSubmitted.v1'")
        assert invoices == 6  # the refused ones left nothing behind

        runner = Runner(InvoiceListProjection(), civic.store, settings)

        async def all_listed():
            await runner.catch_up()
            return await civic.pool.fetchval("SELECT count(*) = 6 FROM payments_invoices")

        await eventually(all_listed, what="six invoices listed")
        live = await civic.pool.fetch("SELECT * FROM payments_invoices ORDER BY invoice_id")
        await runner.rebuild()
        rebuilt = await civic.pool.fetch("SELECT * FROM payments_invoices ORDER BY invoice_id")
        assert [dict(r) for r in rebuilt] == [dict(r) for r in live] and len(live) == 6
    finally:
        await civic.close()
