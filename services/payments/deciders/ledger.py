"""Two small consistency boundaries that invoices share.

- The contract's billing ledger (one stream per contract): the amount invoiced against
  the contract may never exceed its value. Every submission or corrected resubmission
  appends here with optimistic concurrency in the same transaction as the invoice, so two
  concurrent invoices cannot together overdraw the contract.
- A vendor's invoice number (one stream per vendor and number): numbers are unique per
  vendor across all its contracts.
"""

from __future__ import annotations

import msgspec

from events.base import Event, Money
from events.invoices import ContractAmountInvoiced, InvoiceNumberClaimed
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict
from kernel.money import fmt
from services.payments.commands import ClaimInvoiceNumber, InvoiceAgainstContract


class ContractLedger(msgspec.Struct, frozen=True, kw_only=True):
    by_invoice: dict[str, int] = {}
    currency: str = ""

    @property
    def invoiced(self) -> int:
        return sum(self.by_invoice.values())


def decide_ledger(command: InvoiceAgainstContract, state: ContractLedger, ctx: Context) -> list[Event]:
    value = command.contract_value
    others = state.invoiced - state.by_invoice.get(command.invoice_id, 0)
    remaining = max(value.amount - others, 0)
    if command.amount.amount > remaining:
        balance = Money(amount=remaining, currency=value.currency)
        raise Conflict(
            f"the invoice would exceed the contract value; remaining balance is {fmt(balance)}",
            code="over_contract_value",
            details={"remaining": {"amount": remaining, "currency": value.currency},
                     "contract_value": {"amount": value.amount, "currency": value.currency},
                     "invoiced": {"amount": others, "currency": value.currency}})
    return [ContractAmountInvoiced(
        contract_id=command.contract_id, invoice_id=command.invoice_id, amount=command.amount,
        invoiced_total=Money(amount=others + command.amount.amount, currency=value.currency),
        contract_value=value)]


def evolve_ledger(state: ContractLedger, event: Event) -> ContractLedger:
    if isinstance(event, ContractAmountInvoiced):
        return ContractLedger(by_invoice={**state.by_invoice, event.invoice_id: event.amount.amount},
                              currency=event.amount.currency)
    return state


LEDGER = Decider(stream_prefix="contract-billing", initial=ContractLedger, decide=decide_ledger,
                 evolve=evolve_ledger)


class NumberClaim(msgspec.Struct, frozen=True, kw_only=True):
    invoice_id: str = ""


def decide_claim(command: ClaimInvoiceNumber, state: NumberClaim, ctx: Context) -> list[Event]:
    if state.invoice_id == command.invoice_id:
        return []
    if state.invoice_id:
        raise Conflict(f"invoice number {command.number} is already used by this vendor",
                       code="duplicate_number", details=[{"field": "number",
                                                          "message": "already used"}])
    return [InvoiceNumberClaimed(vendor_id=command.vendor_id, number=command.number,
                                 invoice_id=command.invoice_id)]


def evolve_claim(state: NumberClaim, event: Event) -> NumberClaim:
    if isinstance(event, InvoiceNumberClaimed):
        return NumberClaim(invoice_id=event.invoice_id)
    return state


NUMBERS = Decider(stream_prefix="invoice-number", initial=NumberClaim, decide=decide_claim,
                  evolve=evolve_claim)


def number_key(vendor_id: str, number: str) -> str:
    """The claim's aggregate id: invoice numbers compare without regard to case."""
    return f"{vendor_id}:{number.upper()}"
