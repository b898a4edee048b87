"""What other contexts may know of the marketplace: a purchase order's parties, status,
total and lines (ordered and received quantities, for the three-way match), read from
``purchase_orders`` and ``purchase_order_lines`` (``readmodel/orders.py``, kept inline, so an order
answered 201 is known to the next command)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from events.base import Money


class OrderLineFacts(msgspec.Struct, frozen=True, kw_only=True):
    item_id: str
    description: str
    quantity: int
    unit_price: Money
    #: delivered so far (the receipts)
    received: int = 0


class PurchaseOrderFacts(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    contract_id: str
    agency_id: str
    lead_agency_id: str
    vendor_id: str
    #: "placed" | "accepted" | "rejected" | "cancelled" | "received"
    status: str
    total: Money
    placed_at: datetime
    lines: tuple[OrderLineFacts, ...] = ()


async def purchase_order_facts(conn: Any, order_id: str) -> PurchaseOrderFacts | None:
    """``None`` when there is no such order."""
    row = await conn.fetchrow("SELECT * FROM purchase_orders WHERE order_id = $1", order_id)
    if row is None:
        return None
    lines = await conn.fetch("SELECT * FROM purchase_order_lines WHERE order_id = $1 ORDER BY item_id", order_id)
    return PurchaseOrderFacts(
        order_id=row["order_id"], contract_id=row["contract_id"], agency_id=row["agency_id"],
        lead_agency_id=row["lead_agency_id"], vendor_id=row["vendor_id"], status=row["status"],
        total=Money(amount=row["total_amount"], currency=row["currency"]), placed_at=row["placed_at"],
        lines=tuple(OrderLineFacts(item_id=x["item_id"], description=x["description"], quantity=x["quantity"],
                                   unit_price=Money(amount=x["unit_price"], currency=x["currency"]),
                                   received=x["received"]) for x in lines))
