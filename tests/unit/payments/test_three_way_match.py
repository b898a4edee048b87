"""Invoices billing a purchase order: the order must be the contract's and accepted, each
line names an order line, and approval needs the three-way match (order price, quantity
received). Pure: no server."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import msgspec
import pytest

from events.base import Money
from events.invoices import InvoiceApproved, InvoiceLine, InvoiceSubmitted, ServicePeriod
from kernel.context import Actor, Context
from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from services.marketplace.facts import OrderLineFacts, PurchaseOrderFacts
from services.payments.commands import (
    AgencyTerms,
    ApproveInvoice,
    ContractTerms,
    DisputeInvoice,
    LineIn,
    ResubmitInvoice,
    SubmitInvoice,
)
from services.payments.deciders.invoice import INVOICE
from services.payments.deciders.match import three_way_match

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
VENDOR = Actor(sub="u-vendor", role="vendor", vendor="v1")
#: finance of the ordering agency (the contract's lead agency is "lead")
FINANCE = Actor(sub="u-fin", role="finance", agency="ag2")
LEAD_FINANCE = Actor(sub="u-lead", role="finance", agency="lead")
PERIOD = ServicePeriod(start=date(2026, 2, 1), end=date(2026, 2, 28))


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


def ctx(actor: Actor) -> Context:
    return Context(now=T0, actor=actor)


def order(received: dict[str, int] | None = None, **changes) -> PurchaseOrderFacts:
    received = received if received is not None else {"salt": 10, "brine": 100}
    base = dict(order_id="po1", contract_id="c1", agency_id="ag2", lead_agency_id="lead", vendor_id="v1",
                status="accepted", total=usd(10 * 8000 + 100 * 100), placed_at=T0 - timedelta(days=10),
                lines=(OrderLineFacts(item_id="brine", description="Brine", quantity=100, unit_price=usd(100),
                                      received=received.get("brine", 0)),
                       OrderLineFacts(item_id="salt", description="Salt", quantity=10, unit_price=usd(8000),
                                      received=received.get("salt", 0))))
    return PurchaseOrderFacts(**{**base, **changes})


def submit(lines: list[LineIn] | None = None, **changes) -> SubmitInvoice:
    lines = lines or [LineIn(description="Salt", quantity=Decimal(10), unit_price=8000, order_item_id="salt"),
                      LineIn(description="Brine", quantity=Decimal(100), unit_price=100, order_item_id="brine")]
    base = dict(invoice_id="inv1", number="A-1", lines=lines, total=sum(int(x.quantity * x.unit_price) for x in lines),
                currency="USD", service_period=PERIOD, acting_for=("v1",), agency=AgencyTerms(),
                contract=ContractTerms(contract_id="c1", agency_id="lead", vendor_id="v1", value=usd(10_000_000),
                                       status="active"),
                purchase_order=order())
    return SubmitInvoice(**{**base, **changes})


def line(item: str, quantity: int, price: int) -> InvoiceLine:
    return InvoiceLine(description=item, quantity=Decimal(quantity), unit_price=usd(price),
                       amount=usd(quantity * price), order_item_id=item)


def test_an_invoice_billing_an_order_is_the_ordering_agencys_and_names_the_order():
    state, events = INVOICE.run([(submit(), ctx(VENDOR))])
    assert isinstance(events[0], InvoiceSubmitted)
    assert events[0].purchase_order_id == "po1" and events[0].agency_id == "ag2"
    assert [x.order_item_id for x in events[0].lines] == ["salt", "brine"]
    assert state.purchase_order_id == "po1"


def test_the_orders_receipts_stand_for_the_receipt_confirmation():
    contract = ContractTerms(contract_id="c1", agency_id="lead", vendor_id="v1", value=usd(10_000_000),
                             status="active", requires_receipt=True)
    _, [event] = INVOICE.run([(submit(contract=contract), ctx(VENDOR))])
    assert isinstance(event, InvoiceSubmitted) and not event.requires_receipt
    _, [plain] = INVOICE.run([(submit(contract=contract, purchase_order=None, lines=[
        LineIn(description="Salt", quantity=Decimal(1), unit_price=8000)]), ctx(VENDOR))])
    assert isinstance(plain, InvoiceSubmitted) and plain.requires_receipt


def test_match_passes_at_the_order_price_within_the_received_quantity():
    match = three_way_match([line("salt", 10, 8000), line("brine", 60, 100)], order())
    assert match.status == "matched"
    assert [x.status for x in match.lines] == ["matched", "matched"]


def test_match_names_each_failing_line_with_its_reason():
    match = three_way_match([line("salt", 10, 8100), line("brine", 60, 100), line("brine", 50, 100)],
                            order(received={"salt": 10, "brine": 100}))
    assert match.status == "mismatch"
    assert [(x.line, x.status) for x in match.lines] == [(0, "price_mismatch"), (1, "matched"),
                                                         (2, "exceeds_received")]
    assert "8000" in match.lines[0].reason and "110 of brine billed, 100 received" in match.lines[2].reason


def test_a_line_not_on_the_order_never_matches():
    bad = msgspec.structs.replace(line("salt", 1, 8000), order_item_id="gravel")
    assert three_way_match([bad], order()).lines[0].status == "not_on_order"


def test_approval_is_blocked_until_the_goods_are_received():
    state, _ = INVOICE.run([(submit(), ctx(VENDOR))])
    with pytest.raises(Conflict) as refused:
        INVOICE.decide(ApproveInvoice(payment_id="pay1", purchase_order=order(received={"salt": 4, "brine": 100})),
                       state, ctx(FINANCE))
    assert refused.value.code == "three_way_mismatch"
    assert refused.value.details == [{"field": "lines[0]", "item_id": "salt", "status": "exceeds_received",
                                      "message": "lines[0]: 10 of salt billed, 4 received"}]
    events = INVOICE.decide(ApproveInvoice(payment_id="pay1", purchase_order=order()), state, ctx(FINANCE))
    approved = [e for e in events if isinstance(e, InvoiceApproved)]
    assert approved[0].agency_id == "ag2" and approved[0].amount == usd(90_000)
    assert approved[0].purchase_order_id == "po1"


def test_approval_without_the_orders_facts_is_refused():
    state, _ = INVOICE.run([(submit(), ctx(VENDOR))])
    with pytest.raises(NotFound):
        INVOICE.decide(ApproveInvoice(payment_id="pay1"), state, ctx(FINANCE))


def test_only_the_ordering_agencys_finance_approves():
    state, _ = INVOICE.run([(submit(), ctx(VENDOR))])
    with pytest.raises(Forbidden):
        INVOICE.decide(ApproveInvoice(payment_id="pay1", purchase_order=order()), state, ctx(LEAD_FINANCE))


@pytest.mark.parametrize(("changes", "field"), [
    ({"lines": [LineIn(description="Salt", quantity=Decimal(1), unit_price=8000)]}, "lines[0].order_item_id"),
    ({"lines": [LineIn(description="Salt", quantity=Decimal(1), unit_price=8000, order_item_id="gravel")]},
     "lines[0].order_item_id"),
    ({"purchase_order": order(contract_id="c2")}, "purchase_order_id"),
])
def test_submission_names_the_field_that_does_not_fit_the_order(changes, field):
    with pytest.raises(Invalid) as refused:
        INVOICE.decide(submit(**changes), INVOICE.initial(), ctx(VENDOR))
    assert refused.value.details[0]["field"] == field


def test_an_invoice_without_an_order_names_no_order_lines():
    with pytest.raises(Invalid) as refused:
        INVOICE.decide(submit(purchase_order=None), INVOICE.initial(), ctx(VENDOR))
    assert refused.value.details[0]["field"] == "lines[0].order_item_id"


@pytest.mark.parametrize("status", ["placed", "rejected", "cancelled"])
def test_an_order_not_accepted_is_not_billed(status):
    with pytest.raises(Conflict) as refused:
        INVOICE.decide(submit(purchase_order=order(status=status)), INVOICE.initial(), ctx(VENDOR))
    assert refused.value.code == "order_not_accepted"


def test_a_corrected_invoice_is_checked_against_the_order_again():
    state, _ = INVOICE.run([(submit(), ctx(VENDOR)), (DisputeInvoice(reason="price"), ctx(FINANCE))])
    bad = [LineIn(description="Salt", quantity=Decimal(10), unit_price=8000, order_item_id="gravel")]
    with pytest.raises(Invalid):
        INVOICE.decide(ResubmitInvoice(lines=bad, total=80_000, service_period=PERIOD, acting_for=("v1",),
                                       purchase_order=order()), state, ctx(VENDOR))
    good = [LineIn(description="Salt", quantity=Decimal(10), unit_price=8000, order_item_id="salt")]
    events = INVOICE.decide(ResubmitInvoice(lines=good, total=80_000, service_period=PERIOD, acting_for=("v1",),
                                            purchase_order=order()), state, ctx(VENDOR))
    assert events[0].lines[0].order_item_id == "salt"
