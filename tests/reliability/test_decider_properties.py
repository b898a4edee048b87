"""Property-based tests of the deciders: random sequences of commands, by random actors
at random times, never break the rules that protect public money and fair competition.

A command the decider refuses (any domain error) changes nothing; every event it does
produce is applied with ``evolve``, and the invariants are checked after each step.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import msgspec
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from events.base import Money
from events.bids import Attestations, BidReplaced, BidSubmitted, BidWithdrawn, CriterionResponse
from events.invoices import InvoiceApproved, InvoiceSubmitted, ServicePeriod
from kernel.context import Actor, Context
from kernel.errors import DomainError
from services.bids.commands import BidContent, ReplaceBid, SubmitBid, VendorFacts, WithdrawBid
from services.bids.decider import BID, bid_id_for
from services.payments.commands import (
    AcceptInvoice,
    AgencyTerms,
    ApproveInvoice,
    ConfirmReceipt,
    ContractTerms,
    DisputeInvoice,
    LineIn,
    ResubmitInvoice,
    SubmitInvoice,
)
from services.payments.deciders.invoice import INVOICE
from services.solicitations.facts import SolicitationFacts

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                             suppress_health_check=[HealthCheck.too_slow])
DEADLINE = datetime(2031, 3, 1, 17, 0, tzinfo=UTC)


def _step(decider, command, state, ctx):
    """Decide and apply; a refused command leaves the state as it was."""
    try:
        events = list(decider.decide(command, state, ctx))
    except DomainError:
        return state, []
    return decider.fold(events, state), events


# -- bids: nothing after the deadline, one active bid per vendor, only one's own -------

SOLICITATION = SolicitationFacts(
    exists=True, solicitation_id="sol1", agency_id="ag1", solicitation_type="RFP", status="published",
    submission_deadline=DEADLINE, opening_time=DEADLINE + timedelta(hours=1),
    criteria_needing_response=("c1",), criterion_ids=("c1", "c2"))
VENDORS = [VendorFacts(vendor_id=f"v{i}", users=(f"u{i}",), expires_at=DEADLINE + timedelta(days=365))
           for i in range(2)]

bid_actions = st.lists(st.tuples(
    st.sampled_from(["submit", "replace", "withdraw"]),
    st.integers(0, 1),  # which vendor the command is for
    st.integers(0, 1),  # which vendor's user sends it
    st.integers(-3 * 24 * 60, 3 * 24 * 60),  # minutes from the deadline
    st.integers(1, 10**9),  # price in minor units
), max_size=30)


def _bid_command(kind: str, vendor: VendorFacts, price: int):
    content = BidContent(price=Money(amount=price, currency="USD"),
                         responses=[CriterionResponse(criterion_id="c1", text="our approach")],
                         attestations=Attestations(no_conflict_of_interest=True, non_collusion=True))
    if kind == "submit":
        return SubmitBid(facts=SOLICITATION, bid_id=bid_id_for("sol1", vendor.vendor_id),
                         solicitation_id="sol1", vendor=vendor, content=content, sealed=f"v1:{price}")
    if kind == "replace":
        return ReplaceBid(facts=SOLICITATION, vendor=vendor, content=content, sealed=f"v1:{price}")
    return WithdrawBid(facts=SOLICITATION, vendor=vendor)


@PROPERTY_SETTINGS
@given(bid_actions)
@example([("submit", 0, 0, -60, 100), ("submit", 0, 0, -50, 150), ("replace", 0, 1, -40, 1),
          ("replace", 0, 0, -30, 200), ("withdraw", 0, 0, -10, 1), ("submit", 0, 0, 0, 5),
          ("submit", 1, 1, 1, 5)])
def test_bids_never_land_after_the_deadline_nor_for_someone_else(actions):
    states = {v.vendor_id: BID.initial() for v in VENDORS}
    for kind, target, sender, minutes, price in actions:
        vendor = VENDORS[target]
        now = DEADLINE + timedelta(minutes=minutes)
        ctx = Context(now=now, actor=Actor(sub=f"u{sender}", role="vendor", vendor=f"v{sender}"))
        before = states[vendor.vendor_id]
        after, events = _step(BID, _bid_command(kind, vendor, price), before, ctx)
        states[vendor.vendor_id] = after
        for event in events:
            assert now < DEADLINE, f"{type(event).__name__} accepted {minutes} minutes from the deadline"
            assert sender == target, "a vendor acted on another vendor's bid"
            assert event.vendor_id == vendor.vendor_id
            if isinstance(event, BidSubmitted):
                assert not before.active, "a second active bid"
            if isinstance(event, BidReplaced | BidWithdrawn):
                assert before.active
        assert after.status in ("none", "active", "withdrawn")
        if events:
            last = events[-1]
            assert after.active == isinstance(last, BidSubmitted | BidReplaced)
            if not isinstance(last, BidWithdrawn):
                assert after.sealed == f"v1:{price}", "the latest offer is the one kept"


# -- invoices: never pay more than the invoice, never twice --------------------------

CONTRACT = ContractTerms(contract_id="ct1", agency_id="ag1", vendor_id="v1",
                         value=Money(amount=10**9, currency="USD"), status="active")
VENDOR = Actor(sub="u1", role="vendor", vendor="v1")
FINANCE = Actor(sub="f1", role="finance", agency="ag1")
OTHER_FINANCE = Actor(sub="f2", role="finance", agency="ag2")
PERIOD = ServicePeriod(start=date(2031, 1, 1), end=date(2031, 1, 31))

invoice_actions = st.lists(st.one_of(
    st.tuples(st.just("approve"), st.sampled_from(["p1", "p2", "p3", "p4"]),
              st.one_of(st.none(), st.integers(-5, 2_000_000)), st.booleans()),
    st.tuples(st.just("accept"), st.booleans()),
    st.tuples(st.just("dispute"), st.booleans()),
    st.tuples(st.just("receipt"), st.booleans()),
    st.tuples(st.just("resubmit"), st.integers(1, 2_000_000)),
), max_size=25)


def _lines(total: int) -> list[LineIn]:
    return [LineIn(description="services", quantity=Decimal(1), unit_price=total)]


@PROPERTY_SETTINGS
@given(st.integers(1, 2_000_000), st.booleans(), invoice_actions)
@example(1000, True, [("approve", "p1", 400, True), ("receipt", True), ("approve", "p1", 400, True),
                      ("approve", "p1", 100, True), ("approve", "p2", 700, True),
                      ("approve", "p2", None, True), ("approve", "p3", None, False),
                      ("resubmit", 10), ("approve", "p4", 1, True)])
def test_invoices_are_never_paid_beyond_their_total_nor_twice(total, requires_receipt, actions):
    contract = msgspec.structs.replace(CONTRACT, requires_receipt=requires_receipt)
    now = datetime(2031, 2, 1, 9, 0, tzinfo=UTC)
    submit = SubmitInvoice(invoice_id="inv1", contract=contract, agency=AgencyTerms(), number="2031-001",
                           lines=_lines(total), total=total, currency="USD", service_period=PERIOD,
                           acting_for=("v1",))
    state, events = _step(INVOICE, submit, INVOICE.initial(), Context(now=now, actor=VENDOR))
    assert isinstance(events[0], InvoiceSubmitted)
    approvals: list[InvoiceApproved] = []
    for action in actions:
        now += timedelta(hours=7)
        kind = action[0]
        if kind == "approve":
            _, payment_id, amount, own_agency = action
            command, actor = ApproveInvoice(payment_id=payment_id, amount=amount), \
                FINANCE if own_agency else OTHER_FINANCE
        elif kind == "resubmit":
            command, actor = ResubmitInvoice(lines=_lines(action[1]), total=action[1],
                                             service_period=PERIOD, acting_for=("v1",)), VENDOR
        else:
            actor = FINANCE if action[1] else OTHER_FINANCE
            command = {"accept": AcceptInvoice(), "dispute": DisputeInvoice(reason="short delivery"),
                       "receipt": ConfirmReceipt()}[kind]
        state, new = _step(INVOICE, command, state, Context(now=now, actor=actor))
        approvals += [e for e in new if isinstance(e, InvoiceApproved)]
        for event in new:
            if isinstance(event, InvoiceApproved):
                assert actor is FINANCE, "only the buying agency's finance staff approve"
                assert event.amount.amount > 0
                if requires_receipt:
                    assert state.receipt_confirmed_at is not None
        paid = sum(e.amount.amount for e in approvals)
        assert paid == state.approved, "the approved total is the sum of the approvals"
        assert paid <= state.total.amount, "approved more than the invoice"
        ids = [e.payment_id for e in approvals]
        assert len(ids) == len(set(ids)), "one payment id approved twice"
        assert state.total.amount == sum(line.amount.amount for line in state.lines), \
            "the total is the sum of the lines"
