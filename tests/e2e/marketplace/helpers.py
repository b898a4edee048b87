"""Building blocks of the marketplace end-to-end tests: registered agencies in a given
jurisdiction, and active contracts with a catalog as the contracts service records them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from events.base import Metadata, Money
from events.contracts import CatalogItem, ContractActivated, ContractOpened
from events.solicitations import CooperativeStatement
from tests.support import unique

API = "/api/v1"
CATALOG = (("laptop-14", "Laptop, 14 inch, 16 GB", "43211503", "each", 1_000_00),
           ("mouse", "Wireless mouse", "43211708", "each", 20_00),
           ("dock", "USB-C docking station", "43211602", "each", 150_00))


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


async def agency(client: Any, token: Any, jurisdiction: str = "US") -> tuple[str, dict[str, str]]:
    """A registered agency of ``jurisdiction`` and one of its buyers."""
    agency_id = unique("ag")
    created = await client.post(f"{API}/agencies", headers=token("admin"), json={
        "agency_id": agency_id, "name": f"Agency of {jurisdiction}", "jurisdiction": jurisdiction})
    assert created.status_code == 201, created.text
    return agency_id, token("buyer", sub=unique("buyer"), agency=agency_id)


async def active_contract(civic: Any, agency_id: str, vendor_id: str, *,
                          cooperative: CooperativeStatement | None, value: int = 100_000_00,
                          title: str = "Laptops and accessories", catalog: tuple[Any, ...] = CATALOG,
                          end_date: date | None = None) -> str:
    """An active contract of ``agency_id`` with ``vendor_id`` and a catalog, appended as the
    contracts service records it."""
    await civic.clock.refresh()
    now = civic.clock.now()
    contract_id = unique("ct")
    items = [CatalogItem(item_id=i, description=d, commodity_code=c, unit=u, unit_price=usd(p),
                         estimated_quantity=10) for i, d, c, u, p in catalog]
    await civic.store.append(f"contract-{contract_id}", 0, [
        ContractOpened(contract_id=contract_id, award_id=unique("aw"), solicitation_id=unique("sol"),
                       agency_id=agency_id, vendor_id=vendor_id, value=usd(value), start_date=now.date(),
                       end_date=end_date or now.date() + timedelta(days=730), terms_ref="terms-v1",
                       requires_receipt=True, opened_at=now, title=title, catalog=items,
                       cooperative=cooperative),
        ContractActivated(contract_id=contract_id, activated_at=now),
    ], Metadata(occurred_at=now, actor="buyer-1", actor_role="buyer", agency=agency_id))
    return contract_id


def order_body(contract_id: str, lines: list[tuple[str, int]], on: date, **overrides: Any) -> dict[str, Any]:
    """An order for delivery on ``on`` (a date within the contract's term)."""
    return {"contract_id": contract_id, "lines": [{"item_id": i, "quantity": q} for i, q in lines],
            "delivery_address": {"line1": "100 Congress Ave", "city": "Austin", "postal_code": "78701",
                                 "region": "TX"},
            "requested_delivery": on.isoformat()} | overrides
