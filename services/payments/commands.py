"""Commands (imperative) for invoices, contract billing ledgers and payments.

Facts owned by other contexts (the contract's parties and value, the agency's
prompt-payment terms, which vendors the caller acts for) are read at the edge and
carried in the command, so the deciders stay pure.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from events.base import Money
from events.compliance import PaymentTerms, RuleApplied
from events.invoices import ServicePeriod
from services.marketplace.facts import PurchaseOrderFacts


class LineIn(msgspec.Struct, frozen=True, kw_only=True):
    description: str
    quantity: Decimal
    unit_price: int  # minor units of the contract currency
    #: the purchase-order line billed (its catalog item id)
    order_item_id: str = ""


class ContractTerms(msgspec.Struct, frozen=True, kw_only=True):
    """What the invoice service knows about a contract (from its read model)."""

    contract_id: str
    agency_id: str
    vendor_id: str
    value: Money
    status: str  # "pending" | "active" | "completed" | "terminated"
    requires_receipt: bool = False
    start_date: date | None = None
    end_date: date | None = None
    #: the solicitation the contract was awarded from (what it buys selects the pack's rule)
    solicitation_id: str = ""


class AgencyTerms(msgspec.Struct, frozen=True, kw_only=True):
    prompt_payment_days: int = 30
    late_interest_annual_rate: float = 0.05
    time_zone: str = "UTC"
    jurisdiction: str = ""
    #: the agency set its own rate (else the pack's statutory rate applies where on file)
    interest_rate_agreed: bool = True


# -- invoices ------------------------------------------------------------------------


class SubmitInvoice(msgspec.Struct, frozen=True, kw_only=True):
    invoice_id: str
    contract: ContractTerms
    agency: AgencyTerms
    number: str
    lines: list[LineIn]
    total: int
    currency: str
    service_period: ServicePeriod
    #: the vendors the caller may act for
    acting_for: tuple[str, ...] = ()
    #: the prompt-payment rule of the agency's pack for this contract (read at the edge)
    payment_terms: PaymentTerms | None = None
    #: the purchase order billed, with its lines and receipts (read at the edge)
    purchase_order: PurchaseOrderFacts | None = None


class AcceptInvoice(msgspec.Struct, frozen=True, kw_only=True):
    pass


class DeemInvoiceAccepted(msgspec.Struct, frozen=True, kw_only=True):
    """The acceptance window ran out (a timer)."""


class DisputeInvoice(msgspec.Struct, frozen=True, kw_only=True):
    reason: str


class ResubmitInvoice(msgspec.Struct, frozen=True, kw_only=True):
    lines: list[LineIn]
    total: int
    service_period: ServicePeriod
    acting_for: tuple[str, ...] = ()
    contract: ContractTerms | None = None
    #: the invoice's purchase order as of now (invoices billing an order)
    purchase_order: PurchaseOrderFacts | None = None


class ConfirmReceipt(msgspec.Struct, frozen=True, kw_only=True):
    note: str = ""


class ApproveInvoice(msgspec.Struct, frozen=True, kw_only=True):
    payment_id: str
    #: minor units to pay now; ``None`` pays everything not yet approved
    amount: int | None = None
    #: the invoice's purchase order with its receipts as of now (the three-way match)
    purchase_order: PurchaseOrderFacts | None = None


InvoiceCommand = (
    SubmitInvoice
    | AcceptInvoice
    | DeemInvoiceAccepted
    | DisputeInvoice
    | ResubmitInvoice
    | ConfirmReceipt
    | ApproveInvoice
)


# -- the contract's billing ledger and vendor invoice numbers ------------------------


class InvoiceAgainstContract(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    invoice_id: str
    amount: Money
    contract_value: Money


class ClaimInvoiceNumber(msgspec.Struct, frozen=True, kw_only=True):
    vendor_id: str
    number: str
    invoice_id: str


# -- payments ------------------------------------------------------------------------


class StartPayment(msgspec.Struct, frozen=True, kw_only=True):
    """Pay an approved invoice (its amount and any late interest) through a PaymentIntent
    created unconfirmed beforehand."""

    payment_id: str
    invoice_id: str
    contract_id: str
    agency_id: str
    vendor_id: str
    amount: Money
    interest: Money
    due_date: date
    stripe_payment_intent: str
    late_interest_annual_rate: float = 0.05
    payment_terms: PaymentTerms | None = None
    compensation: Money | None = None
    compensation_due: bool = False
    rules_applied: list[RuleApplied] = []
    purchase_order_id: str = ""


class RetryPayment(msgspec.Struct, frozen=True, kw_only=True):
    """Pay a failed installment again, with the interest due by now."""

    attempt: int
    interest: Money
    stripe_payment_intent: str
    compensation: Money | None = None
    rules_applied: list[RuleApplied] = []


class RecordSuccess(msgspec.Struct, frozen=True, kw_only=True):
    stripe_payment_intent: str
    amount_received: int
    stripe_event_id: str = ""


class RecordFailure(msgspec.Struct, frozen=True, kw_only=True):
    stripe_payment_intent: str
    reason: str
    stripe_event_id: str = ""


class RecordRefund(msgspec.Struct, frozen=True, kw_only=True):
    refund_id: str
    amount: int
    reason: str = ""


class RecordDispute(msgspec.Struct, frozen=True, kw_only=True):
    dispute_id: str
    amount: int
    reason: str = ""


PaymentCommand = (
    StartPayment | RetryPayment | RecordSuccess | RecordFailure | RecordRefund | RecordDispute
)
