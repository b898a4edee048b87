"""Timer handlers: a contract's expiry notices, the end of its term, the reminder before an
option's exercise deadline and its lapse, and a deliverable's due date passing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from infra.executor import Executor
from kernel.context import SYSTEM_ACTOR
from kernel.timers import Timer
from services.contracts.commands import (
    EndTerm,
    LapseOption,
    MarkOverdue,
    RecordExpiryNotice,
    RemindOption,
)
from services.contracts.decider import (
    CONTRACT,
    END_OF_TERM_TIMER,
    EXPIRY_NOTICE_TIMER,
    OPTION_LAPSE_TIMER,
    OPTION_REMINDER_TIMER,
    OVERDUE_TIMER,
)


def _day(timer: Timer, name: str) -> date:
    return date.fromisoformat(timer.payload[name])


def _commands() -> dict[str, Callable[[Timer], object]]:
    return {
        EXPIRY_NOTICE_TIMER: lambda t: RecordExpiryNotice(days_before=t.payload["days_before"],
                                                          end_date=_day(t, "end_date")),
        END_OF_TERM_TIMER: lambda t: EndTerm(end_date=_day(t, "end_date")),
        OPTION_REMINDER_TIMER: lambda t: RemindOption(option_id=t.payload["option_id"],
                                                      exercise_deadline=_day(t, "exercise_deadline"),
                                                      days_before=t.payload["days_before"]),
        OPTION_LAPSE_TIMER: lambda t: LapseOption(option_id=t.payload["option_id"],
                                                  exercise_deadline=_day(t, "exercise_deadline")),
        OVERDUE_TIMER: lambda t: MarkOverdue(deliverable_id=t.payload["deliverable_id"],
                                             due_date=_day(t, "due_date")),
    }


def timer_handlers(executor: Executor) -> dict[str, Callable[[Timer], Awaitable[None]]]:
    def handler(command_of: Callable[[Timer], object]) -> Callable[[Timer], Awaitable[None]]:
        async def handle(timer: Timer) -> None:
            await executor.execute_retrying(CONTRACT, timer.payload["contract_id"], command_of(timer),
                                            SYSTEM_ACTOR, command_id=timer.timer_id)
        return handle

    return {kind: handler(command_of) for kind, command_of in _commands().items()}
