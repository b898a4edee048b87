"""Purchase-order events -> the releases of each order's own contracting process, linked
to its cooperative contract's process as a call-off of a framework (``relatedProcesses``
with the ``framework`` relationship).

An order is published as a direct award to the contract's vendor with a contract of the
order's value and items; the vendor's answer updates the contract's status; each delivery
received is a met milestone of its implementation. Who placed or received an order is not
published.
"""

from __future__ import annotations

from typing import Any

from events.base import Event
from events.marketplace import (
    DeliveryReceived,
    PurchaseOrderAccepted,
    PurchaseOrderCancelled,
    PurchaseOrderPlaced,
    PurchaseOrderRejected,
)
from projections.ocds.process import Change, Process, Refs
from projections.ocds.values import timestamp, value

ORDER_EVENTS: frozenset[type[Event]] = frozenset(
    {PurchaseOrderPlaced, PurchaseOrderAccepted, PurchaseOrderRejected, PurchaseOrderCancelled, DeliveryReceived})


def _item(line: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": line["item_id"],
        "description": line["description"],
        "classification": {"scheme": "UNSPSC", "id": line["commodity_code"]},
        "quantity": line["quantity"],
        "unit": {"name": line["unit"], "value": value(line["unit_price"])},
    }


def order_placed(data: dict[str, Any], process: Process, framework_ocid: str, title: str,
                 refs: Refs) -> Change:
    order_id, agency, vendor = data["order_id"], data["agency_id"], data["vendor_id"]
    process.awards.append(order_id)
    process.contracts[order_id] = order_id
    placed = timestamp(data["placed_at"])
    items = [_item(line) for line in data["lines"]]
    related = {"id": "framework", "relationship": ["framework"], "scheme": "ocid", "identifier": framework_ocid}
    if title:
        related["title"] = title
    return Change(
        ["award", "contract"],
        {
            "buyer": refs(agency),
            "relatedProcesses": [related],
            "awards": [{"id": order_id, "status": "active", "date": placed, "value": value(data["total"]),
                        "suppliers": [refs(vendor)], "items": items}],
            "contracts": [{"id": order_id, "awardID": order_id, "status": "pending", "value": value(data["total"]),
                           "items": items, "dateSigned": placed}],
        },
        [(agency, "buyer"), (vendor, "supplier")],
    )


def order_change(event: Event, data: dict[str, Any], process: Process, when: str) -> Change | None:
    """A later event of an order already published."""
    order_id = data["order_id"]
    if order_id not in process.contracts:
        return None
    match event:
        case PurchaseOrderAccepted():
            status = "active"
        case PurchaseOrderRejected() | PurchaseOrderCancelled():
            status = "cancelled"
        case DeliveryReceived():
            milestone = {"id": data["receipt_id"], "title": "Delivery received", "type": "delivery",
                         "status": "met", "dateMet": timestamp(data["recorded_at"]),
                         "description": ", ".join(f"{line['quantity']} x {line['item_id']}" for line in data["lines"])}
            return Change(["implementation"], {"contracts": [
                {"id": order_id, "awardID": order_id, "implementation": {"milestones": [milestone]}}]})
        case _:
            return None
    return Change(["contractUpdate"], {"contracts": [{"id": order_id, "awardID": order_id, "status": status}]})
