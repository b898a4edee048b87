"""The deadline timer: the solicitation closes by itself at its submission deadline."""

from __future__ import annotations

from infra.executor import Executor
from kernel.context import SYSTEM_ACTOR
from kernel.timers import Timer
from services.solicitations.commands import CloseSolicitation
from services.solicitations.deciders.solicitation import SOLICITATION


def close_handler(executor: Executor):  # noqa: ANN201 - a TimerHandler
    async def close(timer: Timer) -> None:
        await executor.execute(SOLICITATION, timer.payload["solicitation_id"], CloseSolicitation(),
                                     SYSTEM_ACTOR, command_id=timer.timer_id)

    return close
