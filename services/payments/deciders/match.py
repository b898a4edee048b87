"""The three-way match of an invoice billing a purchase order: each line's unit price must
be the order's, and the quantity billed for an item must not exceed what was received.
Pure: the order's lines and receipts are read at the edge (``services.marketplace.facts``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import msgspec

from events.invoices import InvoiceLine
from services.marketplace.facts import PurchaseOrderFacts

#: matched | price_mismatch | exceeds_received | not_on_order
LINE_STATUSES = ("matched", "price_mismatch", "exceeds_received", "not_on_order")


class LineMatch(msgspec.Struct, frozen=True, kw_only=True):
    #: the invoice line's position, as in ``lines[i]``
    line: int
    item_id: str
    status: str
    reason: str = ""


class Match(msgspec.Struct, frozen=True, kw_only=True):
    #: "matched" | "mismatch"
    status: str
    order_id: str
    lines: list[LineMatch]


def three_way_match(lines: Sequence[InvoiceLine], order: PurchaseOrderFacts) -> Match:
    ordered = {line.item_id: line for line in order.lines}
    billed: dict[str, Decimal] = {}
    out = []
    for i, line in enumerate(lines):
        item = ordered.get(line.order_item_id)
        if item is None:
            out.append(LineMatch(line=i, item_id=line.order_item_id, status="not_on_order",
                                 reason=f"lines[{i}]: {line.order_item_id or '(none)'} is not a line of order "
                                        f"{order.order_id}"))
            continue
        billed[item.item_id] = billed.get(item.item_id, Decimal(0)) + line.quantity
        if line.unit_price != item.unit_price:
            out.append(LineMatch(line=i, item_id=item.item_id, status="price_mismatch",
                                 reason=f"lines[{i}]: unit price {line.unit_price.amount} is not the order's "
                                        f"{item.unit_price.amount} {item.unit_price.currency} for {item.item_id}"))
        elif billed[item.item_id] > item.received:
            out.append(LineMatch(line=i, item_id=item.item_id, status="exceeds_received",
                                 reason=f"lines[{i}]: {billed[item.item_id]} of {item.item_id} billed, "
                                        f"{item.received} received"))
        else:
            out.append(LineMatch(line=i, item_id=item.item_id, status="matched"))
    status = "matched" if all(x.status == "matched" for x in out) else "mismatch"
    return Match(status=status, order_id=order.order_id, lines=out)
