"""A purchase order against a contract's catalog, from placement to delivery (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

from events.base import Money
from events.contracts import CatalogItem
from events.marketplace import DeliveryAddress, PurchaseOrderPlaced, ReceivedLine
from events.solicitations import CooperativeStatement
from kernel.context import Actor, Context
from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from services.marketplace.commands import (
    AcceptOrder,
    CancelOrder,
    ContractTerms,
    LineRequest,
    PlaceOrder,
    RecordReceipt,
    RejectOrder,
)
from services.marketplace.deciders.purchase_order import PURCHASE_ORDER

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
TODAY = NOW.date()


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


CATALOG = (CatalogItem(item_id="laptop", description="Laptop", commodity_code="43211503", unit="each",
                       unit_price=usd(1_000_00), estimated_quantity=100),
           CatalogItem(item_id="mouse", description="Mouse", commodity_code="43211708", unit="each",
                       unit_price=usd(20_00), estimated_quantity=100))
CONTRACT = ContractTerms(contract_id="c1", agency_id="lead", vendor_id="v1", status="active", value=usd(10**9),
                         end_date=date(2027, 1, 1), catalog=CATALOG,
                         cooperative=CooperativeStatement(eligible="all", lead_agency_id="lead"))
ADDRESS = DeliveryAddress(line1="1 Main St", city="Austin", postal_code="78701")
BUYER = Context(now=NOW, actor=Actor(sub="b1", role="buyer", agency="austin"))
VENDOR = Context(now=NOW, actor=Actor(sub="u1", role="vendor", vendor="v1"))


def place(lines=(("laptop", 2), ("mouse", 5)), contract=CONTRACT, ctx=BUYER, **kw):
    command = PlaceOrder(order_id="po1", contract=contract,
                         lines=[LineRequest(item_id=i, quantity=q) for i, q in lines],
                         delivery_address=kw.pop("address", ADDRESS),
                         requested_delivery=kw.pop("on", TODAY + timedelta(days=7)), **kw)
    return PURCHASE_ORDER.run([(command, ctx)])


def accepted():
    state, _ = place()
    return PURCHASE_ORDER.run([(AcceptOrder(acting_vendors=frozenset({"v1"})), VENDOR)], state)[0]


def test_an_order_is_priced_from_the_catalog():
    state, [placed] = place()
    assert isinstance(placed, PurchaseOrderPlaced)
    assert [(line.item_id, line.unit_price.amount, line.amount.amount) for line in placed.lines] == [
        ("laptop", 1_000_00, 2_000_00), ("mouse", 20_00, 100_00)]
    assert placed.total == usd(2_100_00) and placed.agency_id == "austin" and placed.vendor_id == "v1"
    assert placed.lead_agency_id == "lead" and state.status == "placed"


@pytest.mark.parametrize(("kwargs", "field", "code"), [
    ({"lines": (("laptop", 0),)}, "lines[0].quantity", "invalid"),
    ({"lines": (("laptop", -3),)}, "lines[0].quantity", "invalid"),
    ({"lines": (("laptop", 1), ("laptop", 2))}, "lines[1].item_id", "duplicate_line"),
    ({"lines": (("stapler", 1),)}, "lines[0].item_id", "not_in_catalog"),
    ({"lines": ()}, "lines", "invalid"),
    ({"currency": "EUR"}, "currency", "currency_mismatch"),
    ({"on": TODAY - timedelta(days=1)}, "requested_delivery", "invalid"),
    ({"on": date(2027, 1, 2)}, "requested_delivery", "invalid"),
    ({"address": msgspec.structs.replace(ADDRESS, city=" ")}, "delivery_address.city", "invalid"),
    ({"lines": (("laptop", 10**9),), "contract": msgspec.structs.replace(CONTRACT, catalog=(
        msgspec.structs.replace(CATALOG[0], unit_price=usd(10**8)),))}, "lines", "invalid"),
])
def test_bad_orders_name_the_field(kwargs, field, code):
    with pytest.raises(Invalid) as exc:
        place(**kwargs)
    assert exc.value.details[0]["field"] == field and exc.value.code == code


@pytest.mark.parametrize(("contract", "code"), [
    (msgspec.structs.replace(CONTRACT, status="completed"), "contract_not_active"),
    (msgspec.structs.replace(CONTRACT, status="pending"), "contract_not_active"),
    (msgspec.structs.replace(CONTRACT, catalog=()), "no_catalog"),
])
def test_orders_go_to_active_contracts_with_a_catalog(contract, code):
    with pytest.raises(Conflict) as exc:
        place(contract=contract)
    assert exc.value.code == code


def test_only_buyers_place_orders():
    with pytest.raises(Forbidden):
        place(ctx=Context(now=NOW, actor=Actor(sub="f", role="finance", agency="austin")))
    state, _ = place()
    with pytest.raises(Conflict):
        PURCHASE_ORDER.run([(PlaceOrder(order_id="po1", contract=CONTRACT, lines=[LineRequest(item_id="mouse",
                                                                                              quantity=1)],
                                        delivery_address=ADDRESS, requested_delivery=TODAY), BUYER)], state)


def test_the_vendor_answers_and_the_buyer_cancels_only_before_acceptance():
    state, _ = place()
    other = Context(now=NOW, actor=Actor(sub="u2", role="vendor", vendor="v2"))
    with pytest.raises(Forbidden):
        PURCHASE_ORDER.run([(AcceptOrder(acting_vendors=frozenset({"v2"})), other)], state)
    with pytest.raises(Invalid):
        PURCHASE_ORDER.run([(RejectOrder(acting_vendors=frozenset({"v1"}), reason=" "), VENDOR)], state)
    rejected, _ = PURCHASE_ORDER.run([(RejectOrder(acting_vendors=frozenset({"v1"}), reason="no stock"), VENDOR)],
                                     state)
    assert rejected.status == "rejected" and rejected.ended_reason == "no stock"
    with pytest.raises(Conflict) as exc:
        PURCHASE_ORDER.run([(AcceptOrder(acting_vendors=frozenset({"v1"})), VENDOR)], rejected)
    assert exc.value.code == "order_rejected"
    with pytest.raises(Forbidden):
        PURCHASE_ORDER.run([(CancelOrder(reason="x"), Context(now=NOW, actor=Actor(sub="b", role="buyer",
                                                                                   agency="other")))], state)
    cancelled, _ = PURCHASE_ORDER.run([(CancelOrder(reason="not needed"), BUYER)], state)
    assert cancelled.status == "cancelled"
    with pytest.raises(Conflict) as exc:
        PURCHASE_ORDER.run([(CancelOrder(reason="not needed"), BUYER)], accepted())
    assert exc.value.code == "order_accepted"


def test_receipts_count_each_line_up_to_what_was_ordered():
    state, _ = place()
    receipt = RecordReceipt(receipt_id="r1", lines=[ReceivedLine(item_id="laptop", quantity=1)], received_on=TODAY)
    with pytest.raises(Conflict) as exc:
        PURCHASE_ORDER.run([(receipt, BUYER)], state)
    assert exc.value.code == "order_not_accepted"
    state = accepted()
    state, [first] = PURCHASE_ORDER.run([(receipt, BUYER)], state)
    assert not first.complete and state.status == "accepted" and state.received == {"laptop": 1}
    with pytest.raises(Conflict):
        PURCHASE_ORDER.run([(receipt, BUYER)], state)  # the same receipt twice
    for lines, field, code in (
        ([ReceivedLine(item_id="laptop", quantity=2)], "lines[0].quantity", "over_received"),
        ([ReceivedLine(item_id="dock", quantity=1)], "lines[0].item_id", "not_in_order"),
        ([ReceivedLine(item_id="mouse", quantity=1), ReceivedLine(item_id="mouse", quantity=1)],
         "lines[1].item_id", "duplicate_line"),
        ([ReceivedLine(item_id="mouse", quantity=0)], "lines[0].quantity", "invalid"),
    ):
        with pytest.raises(Invalid) as exc:
            PURCHASE_ORDER.run([(RecordReceipt(receipt_id="r2", lines=lines, received_on=TODAY), BUYER)], state)
        assert exc.value.details[0]["field"] == field and exc.value.code == code
    for day in (TODAY + timedelta(days=1), TODAY - timedelta(days=1)):
        with pytest.raises(Invalid) as exc:
            PURCHASE_ORDER.run([(RecordReceipt(receipt_id="r2", lines=[ReceivedLine(item_id="mouse", quantity=1)],
                                               received_on=day), BUYER)], state)
        assert exc.value.details[0]["field"] == "received_on"
    with pytest.raises(Forbidden):
        PURCHASE_ORDER.run([(RecordReceipt(receipt_id="r2", lines=[ReceivedLine(item_id="mouse", quantity=1)],
                                           received_on=TODAY), VENDOR)], state)
    state, [last] = PURCHASE_ORDER.run([(RecordReceipt(receipt_id="r2", lines=[
        ReceivedLine(item_id="laptop", quantity=1), ReceivedLine(item_id="mouse", quantity=5)],
        received_on=TODAY), BUYER)], state)
    assert last.complete and state.status == "received"


def test_an_unknown_order_is_not_found():
    with pytest.raises(NotFound):
        PURCHASE_ORDER.run([(AcceptOrder(acting_vendors=frozenset({"v1"})), VENDOR)])
