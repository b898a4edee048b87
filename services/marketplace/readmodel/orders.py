"""The purchase orders index (``purchase_orders``), one row per order, applied in the
append's transaction (inline): an order answered 201 is in the next list, and other
contexts read an order's parties and status through ``facts.py``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from events.base import Money
from events.marketplace import (
    DeliveryReceived,
    PurchaseOrderAccepted,
    PurchaseOrderCancelled,
    PurchaseOrderPlaced,
    PurchaseOrderRejected,
)
from infra.db import Connection
from infra.eventstore import RecordedEvent
from kernel.errors import field_error
from projections import cursor
from projections.base import types_of
from services.marketplace.commands import RecentOrder

_STATUS = {PurchaseOrderAccepted: "accepted", PurchaseOrderRejected: "rejected",
           PurchaseOrderCancelled: "cancelled"}


class PurchaseOrderIndex:
    name = "marketplace.orders"
    inline = True
    tables: Sequence[str] = ("purchase_orders", "purchase_order_lines")
    types: frozenset[str] | None = types_of(PurchaseOrderPlaced, PurchaseOrderAccepted, PurchaseOrderRejected,
                                            PurchaseOrderCancelled, DeliveryReceived)

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:
            event = recorded.event
            match event:
                case PurchaseOrderPlaced():
                    await conn.execute(
                        "INSERT INTO purchase_orders (order_id, contract_id, agency_id, lead_agency_id, vendor_id,"
                        " status, total_amount, currency, placed_at, commodity_codes)"
                        " VALUES ($1, $2, $3, $4, $5, 'placed', $6, $7, $8, $9) ON CONFLICT (order_id) DO NOTHING",
                        event.order_id, event.contract_id, event.agency_id, event.lead_agency_id or event.agency_id,
                        event.vendor_id, event.total.amount, event.total.currency, event.placed_at,
                        sorted({line.commodity_code for line in event.lines}))
                    await conn.executemany(
                        "INSERT INTO purchase_order_lines (order_id, item_id, description, quantity, unit_price,"
                        " currency) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                        [(event.order_id, line.item_id, line.description, line.quantity, line.unit_price.amount,
                          line.unit_price.currency) for line in event.lines])
                case DeliveryReceived():
                    await conn.executemany(
                        "UPDATE purchase_order_lines SET received = received + $3 WHERE order_id = $1 AND item_id = $2",
                        [(event.order_id, line.item_id, line.quantity) for line in event.lines])
                    if event.complete:
                        await conn.execute("UPDATE purchase_orders SET status = 'received' WHERE order_id = $1",
                                           event.order_id)
                case PurchaseOrderAccepted() | PurchaseOrderRejected() | PurchaseOrderCancelled():
                    await conn.execute("UPDATE purchase_orders SET status = $2 WHERE order_id = $1",
                                       event.order_id, _STATUS[type(event)])


async def recent_orders(conn: Any, agency_id: str, vendor_id: str, since: datetime) -> list[RecentOrder]:
    """The agency's orders to the vendor placed at or after ``since`` and not rejected or
    cancelled (the splitting check across orders)."""
    rows = await conn.fetch(
        "SELECT order_id, commodity_codes, total_amount, currency, placed_at FROM purchase_orders"
        " WHERE agency_id = $1 AND vendor_id = $2 AND placed_at >= $3 AND status NOT IN ('rejected', 'cancelled')"
        " ORDER BY placed_at, order_id", agency_id, vendor_id, since)
    return [RecentOrder(order_id=r["order_id"], commodity_codes=tuple(r["commodity_codes"]),
                        total=Money(amount=r["total_amount"], currency=r["currency"]), placed_at=r["placed_at"])
            for r in rows]


class OrderFilters(msgspec.Struct, frozen=True, kw_only=True):
    #: the ordering agencies whose orders are shown (``None``: every agency, for oversight)
    agency: str | None = None
    #: the vendors whose orders are shown (vendor users)
    vendors: tuple[str, ...] | None = None
    contract_id: str | None = None
    status: str | None = None


async def list_orders(conn: Any, filters: OrderFilters, *, limit: int,
                      after: str | None) -> tuple[list[Any], str | None]:
    """A page of orders, newest first, and the cursor of the next page (None: the last)."""
    query = cursor.fingerprint("marketplace.orders", msgspec.to_builtins(filters))
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    where = ["true"]
    if filters.agency is not None:
        where.append(f"agency_id = {arg(filters.agency)}")
    if filters.vendors is not None:
        where.append(f"vendor_id = ANY({arg(list(filters.vendors))}::text[])")
    if filters.contract_id is not None:
        where.append(f"contract_id = {arg(filters.contract_id)}")
    if filters.status is not None:
        where.append(f"status = {arg(filters.status)}")
    if after is not None:
        try:
            placed, last_id = cursor.decode(after, query)
            placed = datetime.fromisoformat(placed)
        except (TypeError, ValueError) as exc:
            raise field_error("cursor", "not a cursor returned by this list") from exc
        where.append(f"(placed_at, order_id) < ({arg(placed)}::timestamptz, {arg(last_id)})")
    rows = await conn.fetch(
        f"SELECT * FROM purchase_orders WHERE {' AND '.join(where)}"
        f" ORDER BY placed_at DESC, order_id DESC LIMIT {arg(limit + 1)}", *args)
    if len(rows) <= limit:
        return list(rows), None
    last = rows[limit - 1]
    return list(rows[:limit]), cursor.encode(query, [last["placed_at"].isoformat(), last["order_id"]])
