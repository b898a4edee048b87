"""The invoice, ledger and payment deciders, without any server."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from events.base import Money
from events.invoices import (
    ContractAmountInvoiced,
    InvoiceAccepted,
    InvoiceApproved,
    InvoiceDisputed,
    InvoiceResubmitted,
    InvoiceSubmitted,
    ServicePeriod,
)
from events.payments import PaymentFailed, PaymentRefunded, PaymentStarted, PaymentSucceeded
from kernel.context import SYSTEM_ACTOR, Actor, Context
from kernel.errors import Conflict, Forbidden, Invalid
from services.payments.commands import (
    AcceptInvoice,
    AgencyTerms,
    ApproveInvoice,
    ConfirmReceipt,
    ContractTerms,
    DeemInvoiceAccepted,
    DisputeInvoice,
    InvoiceAgainstContract,
    LineIn,
    RecordFailure,
    RecordRefund,
    RecordSuccess,
    ResubmitInvoice,
    StartPayment,
    SubmitInvoice,
)
from services.payments.deciders.invoice import DEEMED_ACCEPTANCE, INVOICE
from services.payments.deciders.ledger import LEDGER
from services.payments.deciders.payment import PAYMENT

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
VENDOR = Actor(sub="u-vendor", role="vendor", vendor="v1")
FINANCE = Actor(sub="u-fin", role="finance", agency="ag1")
OTHER_FINANCE = Actor(sub="u-fin2", role="finance", agency="ag2")
BUYER = Actor(sub="u-buy", role="buyer", agency="ag1")
PERIOD = ServicePeriod(start=date(2026, 2, 1), end=date(2026, 2, 28))


def ctx(actor: Actor, days: float = 0) -> Context:
    return Context(now=T0 + timedelta(days=days), actor=actor)


def contract(**changes) -> ContractTerms:
    base = dict(contract_id="c1", agency_id="ag1", vendor_id="v1",
                value=Money(amount=1_000_000, currency="USD"), status="active")
    return ContractTerms(**{**base, **changes})


def submit(**changes) -> SubmitInvoice:
    base = dict(invoice_id="inv1", contract=contract(), agency=AgencyTerms(prompt_payment_days=30),
                number="A-1", lines=[LineIn(description="Design work", quantity=Decimal("12.5"),
                                            unit_price=10_000),
                                     LineIn(description="Travel", quantity=Decimal(1), unit_price=5_000)],
                total=130_000, currency="USD", service_period=PERIOD, acting_for=("v1",))
    return SubmitInvoice(**{**base, **changes})


def submitted():
    return INVOICE.run([(submit(), ctx(VENDOR))])


def test_vendor_submits_an_invoice_priced_line_by_line():
    state, events = submitted()
    assert isinstance(events[0], InvoiceSubmitted)
    assert [line.amount.amount for line in events[0].lines] == [125_000, 5_000]
    assert events[0].acceptance_deadline == T0 + timedelta(days=7)
    assert state.status == "submitted" and state.total == Money(amount=130_000, currency="USD")
    timers = list(INVOICE.timers(events[0]))
    assert [(t.kind, t.due_at) for t in timers] == [(DEEMED_ACCEPTANCE, T0 + timedelta(days=7))]


@pytest.mark.parametrize(("changes", "error", "field"), [
    ({"total": 130_001}, Invalid, "total"),
    ({"currency": "EUR"}, Invalid, "currency"),
    ({"lines": []}, Invalid, "lines"),
    ({"lines": [LineIn(description=" ", quantity=Decimal(1), unit_price=1)], "total": 1}, Invalid,
     "lines[0].description"),
    ({"lines": [LineIn(description="x", quantity=Decimal("0.00001"), unit_price=1)], "total": 0},
     Invalid, "lines[0].quantity"),
    ({"service_period": ServicePeriod(start=date(2026, 3, 1), end=date(2026, 2, 1))}, Invalid,
     "service_period.end"),
    ({"contract": contract(start_date=date(2026, 2, 15))}, Invalid, "service_period.start"),
    ({"contract": contract(end_date=date(2026, 2, 20))}, Invalid, "service_period.end"),
])
def test_submission_names_the_bad_field(changes, error, field):
    with pytest.raises(error) as raised:
        INVOICE.decide(submit(**changes), INVOICE.initial(), ctx(VENDOR))
    assert raised.value.details[0]["field"] == field


def test_only_the_contracts_vendor_invoices_an_active_contract():
    with pytest.raises(Forbidden):
        INVOICE.decide(submit(acting_for=("v2",)), INVOICE.initial(), ctx(VENDOR))
    with pytest.raises(Forbidden):
        INVOICE.decide(submit(), INVOICE.initial(), ctx(FINANCE))
    with pytest.raises(Conflict) as raised:
        INVOICE.decide(submit(contract=contract(status="completed")), INVOICE.initial(), ctx(VENDOR))
    assert raised.value.code == "contract_not_active"


def test_finance_accepts_and_the_due_date_follows_acceptance():
    state, _ = submitted()
    with pytest.raises(Forbidden):
        INVOICE.decide(AcceptInvoice(), state, ctx(OTHER_FINANCE, 1))
    [accepted] = INVOICE.decide(AcceptInvoice(), state, ctx(FINANCE, 5))
    assert isinstance(accepted, InvoiceAccepted) and not accepted.deemed
    assert accepted.due_date == date(2026, 4, 6)


def test_invoice_is_deemed_accepted_after_seven_days_and_a_stale_timer_does_nothing():
    state, _ = submitted()
    assert INVOICE.decide(DeemInvoiceAccepted(), state, ctx(SYSTEM_ACTOR, 6)) == []
    [deemed] = INVOICE.decide(DeemInvoiceAccepted(), state, ctx(SYSTEM_ACTOR, 9))
    assert deemed.deemed and deemed.accepted_at == T0 + timedelta(days=7)
    assert deemed.due_date == date(2026, 4, 8)
    accepted = INVOICE.fold([deemed], state)
    assert INVOICE.decide(DeemInvoiceAccepted(), accepted, ctx(SYSTEM_ACTOR, 10)) == []


def test_acting_after_the_window_keeps_the_deemed_acceptance_date():
    state, _ = submitted()
    [late] = INVOICE.decide(AcceptInvoice(), state, ctx(FINANCE, 12))
    assert late.deemed and late.accepted_at == T0 + timedelta(days=7)
    assert late.due_date == date(2026, 4, 8)
    approved = INVOICE.decide(ApproveInvoice(payment_id="p1"), state, ctx(FINANCE, 20))
    assert approved[0].due_date == approved[1].due_date == date(2026, 4, 8)


def test_dispute_and_resubmission_restart_the_clock():
    state, _ = submitted()
    with pytest.raises(Invalid):
        INVOICE.decide(DisputeInvoice(reason="  "), state, ctx(FINANCE, 1))
    state, events = INVOICE.run([(DisputeInvoice(reason="hours exceed the timesheet"), ctx(FINANCE, 1))], state)
    assert isinstance(events[0], InvoiceDisputed) and state.status == "disputed"
    with pytest.raises(Conflict):
        INVOICE.decide(AcceptInvoice(), state, ctx(FINANCE, 2))
    fix = ResubmitInvoice(lines=[LineIn(description="Design work", quantity=Decimal(10), unit_price=10_000)],
                          total=100_000, service_period=PERIOD, acting_for=("v1",))
    state, events = INVOICE.run([(fix, ctx(VENDOR, 3))], state)
    assert isinstance(events[0], InvoiceResubmitted)
    assert state.status == "submitted" and state.received_at == T0 + timedelta(days=3)
    assert state.acceptance_deadline == T0 + timedelta(days=10)


def test_receipt_is_required_before_approval_when_the_contract_says_so():
    state, _ = INVOICE.run([(submit(contract=contract(requires_receipt=True)), ctx(VENDOR))])
    with pytest.raises(Conflict) as raised:
        INVOICE.decide(ApproveInvoice(payment_id="p1"), state, ctx(FINANCE, 1))
    assert raised.value.code == "receipt_required"
    state, _ = INVOICE.run([(ConfirmReceipt(note="delivered"), ctx(BUYER, 1))], state)
    events = INVOICE.decide(ApproveInvoice(payment_id="p1"), state, ctx(FINANCE, 2))
    assert [type(e) for e in events] == [InvoiceAccepted, InvoiceApproved]


def test_partial_approvals_pay_an_invoice_in_installments():
    state, _ = submitted()
    state, events = INVOICE.run([(AcceptInvoice(), ctx(FINANCE, 1)),
                                 (ApproveInvoice(payment_id="p1", amount=30_000), ctx(FINANCE, 2))], state)
    assert events[-1].amount.amount == 30_000 and events[-1].due_date == date(2026, 4, 2)
    assert state.status == "partially_approved" and state.unapproved == 100_000
    with pytest.raises(Invalid) as raised:
        INVOICE.decide(ApproveInvoice(payment_id="p2", amount=100_001), state, ctx(FINANCE, 3))
    assert raised.value.details[0]["field"] == "amount"
    state, events = INVOICE.run([(ApproveInvoice(payment_id="p2"), ctx(FINANCE, 3))], state)
    assert events[-1].amount.amount == 100_000 and state.status == "approved"
    with pytest.raises(Conflict):
        INVOICE.decide(DisputeInvoice(reason="late"), state, ctx(FINANCE, 4))


def test_ledger_refuses_to_exceed_the_contract_value_and_reports_the_balance():
    value = Money(amount=100_000, currency="USD")
    state, _ = LEDGER.run([(InvoiceAgainstContract(contract_id="c1", invoice_id="i1",
                                                   amount=Money(amount=70_000, currency="USD"),
                                                   contract_value=value), ctx(VENDOR))])
    with pytest.raises(Conflict) as raised:
        LEDGER.decide(InvoiceAgainstContract(contract_id="c1", invoice_id="i2",
                                             amount=Money(amount=30_001, currency="USD"),
                                             contract_value=value), state, ctx(VENDOR))
    assert raised.value.code == "over_contract_value"
    assert raised.value.details["remaining"] == {"amount": 30_000, "currency": "USD"}
    # a corrected invoice replaces its own amount rather than adding to it
    [event] = LEDGER.decide(InvoiceAgainstContract(contract_id="c1", invoice_id="i1",
                                                   amount=Money(amount=100_000, currency="USD"),
                                                   contract_value=value), state, ctx(VENDOR))
    assert isinstance(event, ContractAmountInvoiced) and event.invoiced_total.amount == 100_000


def start() -> StartPayment:
    return StartPayment(payment_id="p1", invoice_id="inv1", contract_id="c1", agency_id="ag1",
                        vendor_id="v1", amount=Money(amount=50_000, currency="USD"),
                        interest=Money(amount=0, currency="USD"), due_date=date(2026, 4, 1),
                        stripe_payment_intent="pi_1")


def test_payment_outcomes_are_recorded_once_and_only_from_stripe():
    state, events = PAYMENT.run([(start(), ctx(SYSTEM_ACTOR))])
    assert isinstance(events[0], PaymentStarted) and state.status == "processing"
    assert PAYMENT.decide(start(), state, ctx(SYSTEM_ACTOR)) == []  # redelivered approval
    with pytest.raises(Forbidden):
        PAYMENT.decide(RecordSuccess(stripe_payment_intent="pi_1", amount_received=50_000), state,
                       ctx(FINANCE))
    assert PAYMENT.decide(RecordSuccess(stripe_payment_intent="pi_other", amount_received=1), state,
                          ctx(SYSTEM_ACTOR)) == []
    state, events = PAYMENT.run([(RecordSuccess(stripe_payment_intent="pi_1", amount_received=50_000),
                                  ctx(SYSTEM_ACTOR, 1))], state)
    assert isinstance(events[0], PaymentSucceeded) and state.status == "succeeded"
    assert PAYMENT.decide(RecordFailure(stripe_payment_intent="pi_1", reason="late report"), state,
                          ctx(SYSTEM_ACTOR, 2)) == []


def test_refunds_are_partial_or_full_but_never_more_than_was_paid():
    state, _ = PAYMENT.run([(start(), ctx(SYSTEM_ACTOR)),
                            (RecordSuccess(stripe_payment_intent="pi_1", amount_received=50_000),
                             ctx(SYSTEM_ACTOR, 1))])
    state, events = PAYMENT.run([(RecordRefund(refund_id="re_1", amount=20_000), ctx(FINANCE, 2))], state)
    assert isinstance(events[0], PaymentRefunded) and state.refundable == 30_000
    assert PAYMENT.decide(RecordRefund(refund_id="re_1", amount=20_000), state, ctx(SYSTEM_ACTOR, 3)) == []
    with pytest.raises(Invalid):
        PAYMENT.decide(RecordRefund(refund_id="re_2", amount=30_001), state, ctx(FINANCE, 3))


def test_a_failed_payment_is_recorded_for_the_current_attempt_only():
    state, _ = PAYMENT.run([(start(), ctx(SYSTEM_ACTOR))])
    state, events = PAYMENT.run([(RecordFailure(stripe_payment_intent="pi_1", reason="card declined"),
                                  ctx(SYSTEM_ACTOR, 1))], state)
    assert isinstance(events[0], PaymentFailed) and state.status == "failed"
    assert state.failure_reason == "card declined"
