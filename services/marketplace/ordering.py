"""Placing and ending purchase orders: the order and its contract's marketplace stream
(participation and ceilings) change together, in one transaction.

Two orders that together pass a ceiling meet on the contract stream's version: the
second is decided again on the first's spend and refused (409 with what is left), so a
ceiling is never passed and a refusal stores nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kernel.context import Actor
from services.marketplace.commands import (
    CancelOrder,
    CommitOrder,
    ContractTerms,
    PlaceOrder,
    RejectOrder,
    ReleaseOrder,
)
from services.marketplace.deciders.cooperative import COOPERATIVE
from services.marketplace.deciders.purchase_order import PURCHASE_ORDER, PurchaseOrder

if TYPE_CHECKING:
    from infra.executor import Executor, Outcome


def _part(command_id: str | None, part: str) -> str | None:
    return f"{command_id}:{part}" if command_id else None


async def place(executor: Executor, actor: Actor, command: PlaceOrder,
                command_id: str | None) -> Outcome[PurchaseOrder]:
    async def work(conn: Any) -> Outcome[PurchaseOrder]:
        outcome = await executor.execute(PURCHASE_ORDER, command.order_id, command, actor,
                                         command_id=command_id, conn=conn)
        placed = outcome.state.placed
        if outcome.events and placed is not None:
            await executor.execute(COOPERATIVE, command.contract.contract_id, CommitOrder(
                contract=command.contract, order_id=placed.order_id, agency_id=placed.agency_id,
                amount=placed.total), actor, command_id=_part(command_id, "commit"), conn=conn)
        return outcome

    return await executor.in_transaction(work)


async def end(executor: Executor, actor: Actor, order_id: str, contract: ContractTerms,
              command: RejectOrder | CancelOrder, command_id: str | None) -> Outcome[PurchaseOrder]:
    """Reject or cancel an order and release what it committed against the ceilings."""
    async def work(conn: Any) -> Outcome[PurchaseOrder]:
        outcome = await executor.execute(PURCHASE_ORDER, order_id, command, actor, command_id=command_id,
                                         conn=conn)
        if outcome.events:
            why = "rejected by the vendor" if isinstance(command, RejectOrder) else "cancelled by the buyer"
            await executor.execute(COOPERATIVE, contract.contract_id, ReleaseOrder(order_id=order_id, reason=why),
                                   actor, command_id=_part(command_id, "release"), conn=conn)
        return outcome

    return await executor.in_transaction(work)
