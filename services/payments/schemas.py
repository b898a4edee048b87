"""Request and response bodies of the payments API (lengths, bounds and shapes checked on parse)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from events.base import Money
from events.compliance import PaymentTerms, RuleApplied
from events.invoices import InvoiceLine, ServicePeriod
from services.documents.facts import AttachedDocument

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]

Cents = Annotated[int, msgspec.Meta(ge=1, le=10**13)]

Quantity = Decimal  # range and precision are checked with the lines

InvoiceNumber = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")]

#: an invoice's status, the same in the list and in the detail: the review's status until
#: money moves, then partially_paid and paid
InvoiceStatus = Literal["submitted", "disputed", "accepted", "partially_approved", "approved",
                        "partially_paid", "paid"]
PaymentStatus = Literal["processing", "succeeded", "failed"]

class LineBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    quantity: Quantity
    unit_price: Cents
    #: on an invoice billing a purchase order: the order line billed (its catalog item id)
    order_item_id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None

class PeriodBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    start: date
    end: date

class InvoiceIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    number: InvoiceNumber
    lines: Annotated[list[LineBody], msgspec.Meta(min_length=1, max_length=500)]
    total: Cents
    currency: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
    service_period: PeriodBody
    #: the purchase order billed (an order on this contract, accepted by the vendor); its
    #: ordering agency reviews and pays the invoice after the three-way match
    purchase_order_id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None

class ResubmitIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    lines: Annotated[list[LineBody], msgspec.Meta(min_length=1, max_length=500)]
    total: Cents
    service_period: PeriodBody

class DisputeIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Text

class ReceiptIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""

class ApproveIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    #: minor units to pay now (a partial payment); omit to pay the whole unapproved balance
    amount: Cents | None = None

class RefundIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    #: minor units to refund; omit to refund everything not yet refunded
    amount: Cents | None = None
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""

class FundingIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    payment_method: Annotated[str, msgspec.Meta(min_length=3, max_length=255)]

class PaymentLine(msgspec.Struct, frozen=True, kw_only=True):
    """One payment of the invoice as last projected (the payment itself is authoritative)."""

    id: str
    status: PaymentStatus
    amount: Money
    interest: Money
    refunded: Money
    paid_at: datetime | None

class LineMatchOut(msgspec.Struct, frozen=True, kw_only=True):
    #: the invoice line's position (``lines[i]``)
    line: int
    item_id: str
    status: Literal["matched", "price_mismatch", "exceeds_received", "not_on_order"]
    reason: str = ""

class MatchOut(msgspec.Struct, frozen=True, kw_only=True):
    """The three-way match of an invoice billing a purchase order, as of now: the order's
    unit prices and the quantities received against each line billed."""

    status: Literal["matched", "mismatch"]
    order_id: str
    lines: list[LineMatchOut]

class InvoiceOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    contract_id: str
    agency_id: str
    vendor_id: str
    number: str
    status: InvoiceStatus
    total: Money
    lines: list[InvoiceLine]
    service_period: ServicePeriod
    received_at: datetime
    acceptance_deadline: datetime | None
    accepted_at: datetime | None
    deemed_accepted: bool
    due_date: date | None
    requires_receipt: bool
    receipt_confirmed_at: datetime | None
    disputes: list[str]
    approved: Money
    payment_ids: list[str]
    prompt_payment_days: int
    late_interest_annual_rate: float
    version: int
    payments: list[PaymentLine] = []
    #: the prompt-payment rule of the agency's pack the invoice is judged by (``None``: none applies)
    payment_terms: PaymentTerms | None = None
    #: the rules that set its due date, with pack, row and citation
    rules_applied: list[RuleApplied] = []
    #: the invoice PDF and its supporting documents
    attachments: list[AttachedDocument] = []
    #: past its due date and not fully paid: the late-payment interest the unpaid balance has
    #: accrued through ``accrued_through`` (the agency's local date today), by the rules a
    #: payment made today would be charged (``None``: not overdue)
    accrued_interest: Money | None = None
    accrued_through: date | None = None
    #: the purchase order billed (``None``: billed against the contract alone)
    purchase_order_id: str | None = None
    #: its three-way match (``None``: no purchase order)
    match: MatchOut | None = None

class InvoiceSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    contract_id: str
    agency_id: str
    vendor_id: str
    number: str
    status: InvoiceStatus
    total: Money
    received_at: datetime
    due_date: date | None
    approved: Money
    paid: Money
    interest_paid: Money
    refunded: Money
    overdue: bool
    attachments: list[AttachedDocument] = []
    purchase_order_id: str | None = None
    #: "matched" | "mismatch" for an invoice billing a purchase order (``None``: none)
    match_status: Literal["matched", "mismatch"] | None = None

class InvoicePage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[InvoiceSummary]
    total: int
    limit: int
    offset: int

class PaymentOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    invoice_id: str
    contract_id: str
    agency_id: str
    vendor_id: str
    status: PaymentStatus
    amount: Money
    interest: Money
    due_date: date | None
    attempt: int
    stripe_payment_intent: str
    started_at: datetime | None
    paid_at: datetime | None
    failure_reason: str
    refunded: Money
    disputes: list[str]
    version: int
    #: the fixed compensation for late payment paid with it (EUR 40 in the EU)
    compensation: Money | None = None
    #: the interest owed (and any compensation): which pack, row and citation applied
    rules_applied: list[RuleApplied] = []


class FundingOut(msgspec.Struct, frozen=True, kw_only=True):
    agency_id: str
    payment_method: str
