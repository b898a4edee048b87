"""Submitting and resubmitting invoices: the invoice, the contract's billing ledger and the
vendor's invoice number change together, in one transaction.

A concurrent invoice on the same contract makes the ledger append fail on its version;
the whole submission is then decided again against the new balance, so the answer is
either success or a 409 with the true remaining balance, never an overdrawn contract.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from events.base import Money
from infra.db import Connection
from kernel.context import Actor
from kernel.errors import NotFound
from services.marketplace.facts import purchase_order_facts
from services.payments.commands import (
    ClaimInvoiceNumber,
    ContractTerms,
    InvoiceAgainstContract,
    ResubmitInvoice,
    SubmitInvoice,
)
from services.payments.deciders.invoice import INVOICE, Invoice
from services.payments.deciders.ledger import LEDGER, NUMBERS, number_key
from services.payments.readmodel.terms import contract_terms

if TYPE_CHECKING:
    from infra.executor import Executor, Outcome

T = TypeVar("T")
TermsLookup = Callable[[Any, str], Awaitable[ContractTerms | None]]
ATTEMPTS = 8


def _sub_id(command_id: str | None, part: str) -> str | None:
    return f"{command_id}:{part}" if command_id else None


async def _retrying(executor: Executor, work: Callable[[Any], Awaitable[T]]) -> T:
    return await executor.in_transaction(work, attempts=ATTEMPTS)


async def submit(executor: Executor, actor: Actor, command: SubmitInvoice,
                 command_id: str | None) -> Outcome[Invoice]:
    async def work(conn: Connection) -> Outcome[Invoice]:
        outcome = await executor.execute(INVOICE, command.invoice_id, command, actor,
                                               command_id=command_id, conn=conn)
        if outcome.events:
            contract = command.contract
            await executor.execute(LEDGER, contract.contract_id, InvoiceAgainstContract(
                contract_id=contract.contract_id, invoice_id=command.invoice_id,
                amount=Money(amount=command.total, currency=command.currency),
                contract_value=contract.value), actor, command_id=_sub_id(command_id, "ledger"),
                conn=conn)
            await executor.execute(NUMBERS, number_key(contract.vendor_id, command.number),
                                         ClaimInvoiceNumber(vendor_id=contract.vendor_id,
                                                            number=command.number,
                                                            invoice_id=command.invoice_id),
                                         actor, command_id=_sub_id(command_id, "number"), conn=conn)
        return outcome

    return await _retrying(executor, work)


async def resubmit(executor: Executor, actor: Actor, invoice_id: str, command: ResubmitInvoice,
                   command_id: str | None, terms: TermsLookup = contract_terms) -> Outcome[Invoice]:
    """``terms``: the contract's terms as of now (the payments read model by default)."""
    async def work(conn: Connection) -> Outcome[Invoice]:
        invoice, _ = await executor.load(INVOICE, invoice_id, conn=conn)
        contract = await terms(conn, invoice.contract_id)
        if contract is None:
            raise NotFound(f"contract {invoice.contract_id} not found")
        order = (await purchase_order_facts(conn, invoice.purchase_order_id)
                 if invoice.purchase_order_id else None)
        outcome = await executor.execute(
            INVOICE, invoice_id, msgspec.structs.replace(command, contract=contract, purchase_order=order), actor,
            command_id=command_id, conn=conn)
        if outcome.events:
            await executor.execute(LEDGER, contract.contract_id, InvoiceAgainstContract(
                contract_id=contract.contract_id, invoice_id=invoice_id,
                amount=Money(amount=command.total, currency=contract.value.currency),
                contract_value=contract.value), actor, command_id=_sub_id(command_id, "ledger"),
                conn=conn)
        return outcome

    return await _retrying(executor, work)
