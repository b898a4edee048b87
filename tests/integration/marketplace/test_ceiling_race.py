"""Orders racing for a contract's ceiling through the real event store: however the
appends interleave, the committed total never passes the ceiling, every refusal is the
ceiling's, and each refused order leaves no event behind."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from events.base import Metadata, Money
from events.contracts import CatalogItem, ContractActivated, ContractOpened
from events.marketplace import DeliveryAddress
from events.solicitations import CooperativeStatement
from kernel.context import Actor
from kernel.errors import Conflict
from services.marketplace import ordering
from services.marketplace.commands import ContractTerms, LineRequest, PlaceOrder
from services.marketplace.deciders.cooperative import COOPERATIVE
from tests.support import unique


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


async def test_racing_orders_never_pass_the_ceiling(civic):
    await civic.clock.refresh()
    now = civic.clock.now()
    agency_id, contract_id = unique("ag"), unique("ct")
    item = CatalogItem(item_id="salt", description="Road salt, bulk", commodity_code="12352301", unit="ton",
                       unit_price=usd(100_00), estimated_quantity=1000)
    statement = CooperativeStatement(eligible="all", lead_agency_id=agency_id, total_ceiling=usd(10_000_00))
    await civic.store.append(f"contract-{contract_id}", 0, [
        ContractOpened(contract_id=contract_id, award_id=unique("aw"), solicitation_id=unique("sol"),
                       agency_id=agency_id, vendor_id=unique("v"), value=usd(50_000_00), start_date=now.date(),
                       end_date=now.date() + timedelta(days=365), terms_ref="t", requires_receipt=True,
                       catalog=[item], cooperative=statement),
        ContractActivated(contract_id=contract_id, activated_at=now),
    ], Metadata(occurred_at=now, actor="buyer", actor_role="buyer", agency=agency_id))
    contract = ContractTerms(contract_id=contract_id, agency_id=agency_id, vendor_id="v", status="active",
                             value=usd(50_000_00), end_date=date.max, catalog=(item,), cooperative=statement)
    buyer = Actor(sub=unique("buyer"), role="buyer", agency=agency_id)

    async def order(n: int) -> str:
        command = PlaceOrder(order_id=f"{contract_id}-po{n}", contract=contract,
                             lines=[LineRequest(item_id="salt", quantity=30)],
                             delivery_address=DeliveryAddress(line1="1 Depot Rd", city="Waco", postal_code="76701"),
                             requested_delivery=now.date() + timedelta(days=3))
        try:
            await ordering.place(civic.executor, buyer, command, f"race:{contract_id}:{n}")
        except Conflict as exc:
            return exc.code
        return "placed"

    # eight orders of 3,000.00 against 10,000.00: three fit
    outcomes = await asyncio.gather(*(order(n) for n in range(8)))
    assert sorted(outcomes) == ["ceiling_exceeded"] * 5 + ["placed"] * 3, outcomes
    state, _ = await civic.executor.load(COOPERATIVE, contract_id)
    assert state.committed == 9_000_00 and len(state.orders) == 3
    stored = await civic.pool.fetchval(
        "SELECT count(*) FROM events WHERE stream_id LIKE $1", f"purchase-order-{contract_id}-po%")
    assert stored == 3
