"""Invoice events: a vendor's bill against a contract, finance's review and approval.

The prompt-payment terms of the buying agency (days and late-interest rate) are copied
onto the invoice when it is submitted, so the due date and any interest follow from the
invoice's own events even if the agency changes its terms later.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

from events.base import Event, Money
from events.compliance import PaymentTerms, RuleApplied


class InvoiceLine(msgspec.Struct, frozen=True, kw_only=True):
    """One billed item; ``amount`` is ``quantity * unit_price`` in minor units."""

    description: str
    quantity: Decimal
    unit_price: Money
    amount: Money
    #: the purchase-order line billed (the catalog item id; empty: not an order line)
    order_item_id: str = ""


class ServicePeriod(msgspec.Struct, frozen=True, kw_only=True):
    start: date
    end: date


class InvoiceSubmitted(Event, frozen=True, kw_only=True, tag="invoices.InvoiceSubmitted.v1"):
    invoice_id: str
    contract_id: str
    agency_id: str
    vendor_id: str
    number: str
    total: Money
    received_at: datetime
    service_period: ServicePeriod
    lines: list[InvoiceLine] = []
    requires_receipt: bool = False
    prompt_payment_days: int = 30
    late_interest_annual_rate: float = 0.05
    #: when the invoice is deemed accepted if finance takes no action
    acceptance_deadline: datetime | None = None
    #: the agency's IANA zone: deemed acceptance and the due date are on its local dates
    time_zone: str = "UTC"
    #: the prompt-payment rule of the agency's pack (``None``: none applies, or submitted before packs)
    payment_terms: PaymentTerms | None = None
    #: the purchase order billed (empty: billed against the contract alone); the invoice is
    #: then the ordering agency's, and approval needs the three-way match
    purchase_order_id: str = ""


class InvoiceAccepted(Event, frozen=True, kw_only=True, tag="invoices.InvoiceAccepted.v1"):
    """Finance accepted the invoice as proper (or it was deemed accepted)."""

    invoice_id: str
    accepted_at: datetime
    due_date: date
    deemed: bool = False
    #: the prompt-payment rule that set the due date, with its citation
    rules_applied: list[RuleApplied] = []


class InvoiceDisputed(Event, frozen=True, kw_only=True, tag="invoices.InvoiceDisputed.v1"):
    invoice_id: str
    reason: str
    disputed_at: datetime


class InvoiceResubmitted(Event, frozen=True, kw_only=True, tag="invoices.InvoiceResubmitted.v1"):
    """The vendor corrected a disputed invoice; the prompt-payment clock restarts."""

    invoice_id: str
    total: Money
    received_at: datetime
    service_period: ServicePeriod
    lines: list[InvoiceLine] = []
    acceptance_deadline: datetime | None = None


class ReceiptConfirmed(Event, frozen=True, kw_only=True, tag="invoices.ReceiptConfirmed.v1"):
    """The buyer confirmed the goods or services were received (three-way match)."""

    invoice_id: str
    confirmed_at: datetime
    note: str = ""


class InvoiceApproved(Event, frozen=True, kw_only=True, tag="invoices.InvoiceApproved.v1"):
    """Finance approved ``amount`` for payment; the payments service pays it as ``payment_id``.

    An invoice may be approved in several installments (partial payments), each with
    its own payment.
    """

    invoice_id: str
    payment_id: str
    amount: Money
    due_date: date
    contract_id: str = ""
    agency_id: str = ""
    vendor_id: str = ""
    late_interest_annual_rate: float = 0.05
    approved_at: datetime | None = None
    payment_terms: PaymentTerms | None = None
    #: approved after the due date, the first such approval of the invoice: the pack's fixed
    #: compensation for late payment (if any) is owed with this payment
    compensation_due: bool = False
    #: the purchase order the invoice bills ("": none)
    purchase_order_id: str = ""


class ContractAmountInvoiced(Event, frozen=True, kw_only=True,
                             tag="invoices.ContractAmountInvoiced.v1"):
    """The contract's billing ledger took an invoice's total (or its corrected total).

    One stream per contract, appended with optimistic concurrency in the same
    transaction as the invoice, so concurrent invoices can never together exceed the
    contract value.
    """

    contract_id: str
    invoice_id: str
    amount: Money
    invoiced_total: Money
    contract_value: Money


class InvoiceNumberClaimed(Event, frozen=True, kw_only=True, tag="invoices.InvoiceNumberClaimed.v1"):
    """A vendor's invoice number is taken (one stream per vendor and number)."""

    vendor_id: str
    number: str
    invoice_id: str


InvoiceEvent = (
    InvoiceSubmitted
    | InvoiceAccepted
    | InvoiceDisputed
    | InvoiceResubmitted
    | ReceiptConfirmed
    | InvoiceApproved
    | ContractAmountInvoiced
    | InvoiceNumberClaimed
)
