"""Approving the same invoice from 100 clients at once starts exactly one payment: one
approval event, one payment, one PaymentIntent at Stripe (localstripe on loopback),
whether the clients share an Idempotency-Key or not. The rest get 409."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime

import httpx
import stripe

from events.base import Metadata, Money
from events.contracts import ContractActivated, ContractOpened
from infra import db
from infra.http.auth import mint_token
from infra.postgres_store import PostgresEventStore
from tests.reliability.servers import OwnNats
from tests.reliability.stack import own_stack
from tests.support import eventually, many_requests, unique

CONCURRENT = 100
API = "/api/v1"


def _headers(settings, role: str, **claims) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(settings, role=role, sub=unique(role), **claims)}"}


async def _active_contract(store: PostgresEventStore, agency: str, vendor: str, value: int) -> str:
    contract_id = unique("ct")
    now = datetime.now(UTC)
    await store.append(f"contract-{contract_id}", 0, [
        ContractOpened(contract_id=contract_id, award_id=unique("aw"), solicitation_id=unique("sol"),
                       agency_id=agency, vendor_id=vendor, value=Money(amount=value, currency="USD"),
                       start_date=date(2026, 1, 1), end_date=date(2035, 12, 31), terms_ref="terms-v1",
                       requires_receipt=False, opened_at=now),
        ContractActivated(contract_id=contract_id, activated_at=now),
    ], Metadata(occurred_at=now, actor="buyer-1", actor_role="buyer", agency=agency))

    async def active() -> bool:
        return await store.pool.fetchval(
            "SELECT status = 'active' FROM payments_contracts WHERE contract_id = $1", contract_id)

    await eventually(active, timeout=180, what="the contract in the payments read model")
    return contract_id


async def test_racing_approvals_start_exactly_one_payment(server_settings, tmp_path, localstripe):
    nats_server = OwnNats()
    nats_server.start()
    try:
        async with own_stack(server_settings, tmp_path, nats_url=nats_server.url,
                             stripe_api_key=localstripe.api_key, stripe_api_base=localstripe.api_base) as stack:
            stack.start()
            settings = stack.settings
            agency, vendor = unique("ag"), unique("v")
            base = stack.base_urls[0]
            pool = await db.create_pool(settings.database_url, min_size=1, max_size=4)
            limits = many_requests(CONCURRENT)
            try:
                async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
                    registered = await http.post(f"{API}/agencies", headers=_headers(settings, "admin"), json={
                        "agency_id": agency, "name": "City Works", "jurisdiction": "US-OR-Portland"})
                    assert registered.status_code == 201, registered.text
                    contract_id = await _active_contract(PostgresEventStore(pool), agency, vendor, 10_000_000)
                    finance = _headers(settings, "finance", agency=agency)
                    outcomes = {}
                    for shared_key in (False, True):
                        invoice = await http.post(
                            f"{API}/contracts/{contract_id}/invoices", headers=_headers(settings, "vendor", vendor=vendor),
                            json={"number": unique("INV-"), "currency": "USD", "total": 250_000,
                                  "lines": [{"description": "Road works", "quantity": 1, "unit_price": 250_000}],
                                  "service_period": {"start": "2026-02-01", "end": "2026-02-28"}})
                        assert invoice.status_code == 201, invoice.text
                        invoice_id = invoice.json()["id"]
                        key = unique("key")
                        responses = await asyncio.gather(*[
                            http.post(f"{API}/invoices/{invoice_id}/approve", json={}, headers={
                                **finance, "Idempotency-Key": key if shared_key else unique("key")})
                            for _ in range(CONCURRENT)])
                        outcomes[invoice_id] = Counter(r.status_code for r in responses)
                        assert set(outcomes[invoice_id]) <= {200, 409}, outcomes[invoice_id]
                        if not shared_key:
                            assert outcomes[invoice_id][200] == 1, outcomes[invoice_id]

                    for invoice_id in outcomes:
                        approved = await pool.fetch(
                            "SELECT data->>'payment_id' AS payment_id FROM events"
                            " WHERE stream_id = $1 AND type = 'invoices.InvoiceApproved.v1'", f"invoice-{invoice_id}")
                        assert len(approved) == 1, "one approval per invoice"
                        payment_id = approved[0]["payment_id"]

                        async def started(pid=payment_id) -> bool:
                            return await pool.fetchval(
                                "SELECT count(*) FROM events WHERE type = 'payments.PaymentStarted.v1'"
                                " AND data->>'payment_id' = $1", pid) >= 1

                        await eventually(started, timeout=180, what=f"payment {payment_id} started")
                        await asyncio.sleep(1)  # a second start, if there were one, would show by now
                        assert await pool.fetchval(
                            "SELECT count(*) FROM events WHERE type = 'payments.PaymentStarted.v1'"
                            " AND data->>'payment_id' = $1", payment_id) == 1
                        client = stripe.StripeClient(localstripe.api_key,
                                                     base_addresses={"api": localstripe.api_base})
                        intents = [i for i in client.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
                                   if i.to_dict().get("metadata", {}).get("payment_id") == payment_id]
                        assert len(intents) == 1, "one PaymentIntent per payment at Stripe"
                    print("racing approvals:", {k: dict(v) for k, v in outcomes.items()})
            finally:
                await pool.close()
    finally:
        nats_server.remove()
