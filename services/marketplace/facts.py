"""What other contexts may know of the marketplace: a purchase order's parties, status and
total, read from ``purchase_orders`` (``readmodel/orders.py``, kept inline, so an order
answered 201 is known to the next command)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from events.base import Money


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


async def purchase_order_facts(conn: Any, order_id: str) -> PurchaseOrderFacts | None:
    """``None`` when there is no such order."""
    row = await conn.fetchrow("SELECT * FROM purchase_orders WHERE order_id = $1", order_id)
    if row is None:
        return None
    return PurchaseOrderFacts(
        order_id=row["order_id"], contract_id=row["contract_id"], agency_id=row["agency_id"],
        lead_agency_id=row["lead_agency_id"], vendor_id=row["vendor_id"], status=row["status"],
        total=Money(amount=row["total_amount"], currency=row["currency"]), placed_at=row["placed_at"])
