"""Timer handlers: an invoice nobody acted on is deemed accepted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.executor import Executor
from kernel.context import SYSTEM_ACTOR
from kernel.timers import Timer
from services.payments.commands import DeemInvoiceAccepted
from services.payments.deciders.invoice import INVOICE

if TYPE_CHECKING:
    from infra.scheduler import TimerHandler


def deemed_acceptance(executor: Executor) -> TimerHandler:
    async def handle(timer: Timer) -> None:
        await executor.execute(INVOICE, timer.payload["invoice_id"], DeemInvoiceAccepted(),
                                     SYSTEM_ACTOR, command_id=timer.timer_id)

    return handle
