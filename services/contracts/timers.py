"""Timer handlers: a contract's expiry notices and the end of its term."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from infra.executor import Executor
from kernel.context import SYSTEM_ACTOR
from kernel.timers import Timer
from services.contracts.commands import EndTerm, RecordExpiryNotice
from services.contracts.decider import CONTRACT, END_OF_TERM_TIMER, EXPIRY_NOTICE_TIMER

if TYPE_CHECKING:
    pass


def timer_handlers(executor: Executor) -> dict:
    async def expiry_notice(timer: Timer) -> None:
        command = RecordExpiryNotice(days_before=timer.payload["days_before"],
                                     end_date=date.fromisoformat(timer.payload["end_date"]))
        await executor.execute_retrying(CONTRACT, timer.payload["contract_id"], command, SYSTEM_ACTOR,
                                     command_id=timer.timer_id)

    async def end_of_term(timer: Timer) -> None:
        command = EndTerm(end_date=date.fromisoformat(timer.payload["end_date"]))
        await executor.execute_retrying(CONTRACT, timer.payload["contract_id"], command, SYSTEM_ACTOR,
                                     command_id=timer.timer_id)

    return {EXPIRY_NOTICE_TIMER: expiry_notice, END_OF_TERM_TIMER: end_of_term}
