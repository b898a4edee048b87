"""Payment events: money moving from an agency to a vendor through Stripe, and what
Stripe reported about it.

``amount`` is always the invoice principal of the payment; late-payment interest owed
under the prompt-payment rules is carried separately in ``interest`` and is charged on
top of the principal.
"""

from __future__ import annotations

from datetime import date, datetime

from events.base import Event, Money
from events.compliance import PaymentTerms, RuleApplied


class PaymentStarted(Event, frozen=True, kw_only=True, tag="payments.PaymentStarted.v1"):
    """A PaymentIntent was created at Stripe for an approved invoice (installment)."""

    payment_id: str
    invoice_id: str
    contract_id: str
    agency_id: str
    vendor_id: str
    amount: Money
    stripe_payment_intent: str
    interest: Money | None = None
    due_date: date | None = None
    started_at: datetime | None = None
    attempt: int = 1
    late_interest_annual_rate: float = 0.05
    payment_terms: PaymentTerms | None = None
    #: the fixed compensation for late payment owed with this payment (EUR 40 in the EU)
    compensation: Money | None = None
    compensation_due: bool = False
    #: the interest owed (and any compensation): which pack, row and citation applied
    rules_applied: list[RuleApplied] = []
    #: the purchase order the paid invoice bills ("": none): the order's spending
    purchase_order_id: str = ""


class PaymentRetried(Event, frozen=True, kw_only=True, tag="payments.PaymentRetried.v1"):
    """Finance retried a failed payment: a new PaymentIntent for the same payment."""

    payment_id: str
    attempt: int
    stripe_payment_intent: str
    amount: Money
    interest: Money
    retried_at: datetime
    compensation: Money | None = None
    rules_applied: list[RuleApplied] = []


class PaymentSucceeded(Event, frozen=True, kw_only=True, tag="payments.PaymentSucceeded.v1"):
    payment_id: str
    amount: Money
    paid_at: datetime
    interest: Money
    compensation: Money | None = None
    invoice_id: str = ""
    contract_id: str = ""
    agency_id: str = ""
    vendor_id: str = ""
    due_date: date | None = None
    stripe_payment_intent: str = ""
    stripe_event_id: str = ""


class PaymentFailed(Event, frozen=True, kw_only=True, tag="payments.PaymentFailed.v1"):
    payment_id: str
    reason: str
    failed_at: datetime
    stripe_payment_intent: str = ""
    stripe_event_id: str = ""
    attempt: int = 1


class PaymentRefunded(Event, frozen=True, kw_only=True, tag="payments.PaymentRefunded.v1"):
    """Money returned to the agency; several partial refunds may follow one payment."""

    payment_id: str
    amount: Money
    refund_id: str = ""
    reason: str = ""
    refunded_at: datetime | None = None
    invoice_id: str = ""
    agency_id: str = ""
    vendor_id: str = ""


class PaymentDisputed(Event, frozen=True, kw_only=True, tag="payments.PaymentDisputed.v1"):
    """The payer's bank disputed the charge at Stripe."""

    payment_id: str
    dispute_id: str = ""
    amount: Money | None = None
    reason: str = ""
    disputed_at: datetime | None = None


class StripeEventReceived(Event, frozen=True, kw_only=True, tag="payments.StripeEventReceived.v1"):
    """A verified Stripe webhook event; its stream (one per Stripe event id) makes
    each Stripe event count once."""

    stripe_event_id: str
    event_type: str
    object_id: str
    payment_id: str | None = None
    received_at: datetime


class FundingSourceSet(Event, frozen=True, kw_only=True, tag="payments.FundingSourceSet.v1"):
    """The Stripe payment method an agency pays its vendors from (e.g. a bank account)."""

    agency_id: str
    payment_method: str


PaymentEvent = (
    PaymentStarted
    | PaymentRetried
    | PaymentSucceeded
    | PaymentFailed
    | PaymentRefunded
    | PaymentDisputed
    | StripeEventReceived
    | FundingSourceSet
)
