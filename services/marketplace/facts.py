"""What other contexts may know of the marketplace: a purchase order's parties, status,
total and lines (ordered and received quantities, for the three-way match), read from
``purchase_orders`` and ``purchase_order_lines`` (``readmodel/orders.py``, kept inline, so an order
answered 201 is known to the next command); and the cooperative contracts listed in the
marketplace (``marketplace_contracts``, ``readmodel/listing.py``) with who may use them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from events.base import Money
from events.solicitations import CooperativeStatement


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


class CooperativeOffer(msgspec.Struct, frozen=True, kw_only=True):
    """A cooperative contract as listed in the marketplace."""

    contract_id: str
    title: str
    lead_agency_id: str
    vendor_id: str
    #: "pending" | "active" | "completed" | "terminated"
    status: str
    end_date: date
    commodity_codes: tuple[str, ...] = ()
    cooperative: CooperativeStatement


def may_use(statement: CooperativeStatement | None, agency_id: str, jurisdiction: str | None) -> bool:
    """Whether the cooperative statement admits the agency: everyone, a listed agency, or
    an agency whose jurisdiction is one of the prefixes (``US-TX`` admits ``US-TX-Austin``).
    An unregistered agency (no jurisdiction) may use none."""
    if statement is None or jurisdiction is None:
        return False
    match statement.eligible:
        case "all":
            return True
        case "agencies":
            return agency_id in statement.agencies
        case "jurisdictions":
            return any(jurisdiction == p or jurisdiction.startswith(f"{p}-") for p in statement.jurisdictions)
    return False


_statement = msgspec.json.Decoder(CooperativeStatement)


async def cooperative_offers(conn: Any, commodity_codes: list[str], words: list[str], on: date,
                             *, limit: int = 50) -> list[CooperativeOffer]:
    """Active listed contracts running on ``on`` that share a commodity code or a title word
    (the candidates of the duplicate-purchase check; who may use them is for the caller)."""
    rows = await conn.fetch(
        "SELECT contract_id, title, lead_agency_id, vendor_id, status, end_date, commodity_codes,"
        " cooperative::text AS cooperative FROM marketplace_contracts"
        " WHERE status = 'active' AND end_date >= $3"
        " AND (commodity_codes && $1::text[]"
        "      OR (cardinality($2::text[]) > 0 AND to_tsvector('english', title)"
        "          @@ to_tsquery('english', array_to_string($2::text[], ' | '))))"
        " ORDER BY contract_id LIMIT $4", commodity_codes, words, on, limit)
    return [CooperativeOffer(contract_id=r["contract_id"], title=r["title"], lead_agency_id=r["lead_agency_id"],
                             vendor_id=r["vendor_id"], status=r["status"], end_date=r["end_date"],
                             commodity_codes=tuple(r["commodity_codes"]),
                             cooperative=_statement.decode(r["cooperative"])) for r in rows]
