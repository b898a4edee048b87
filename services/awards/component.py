"""What the awards context contributes to the composition root."""

from __future__ import annotations

from infra.components import Component
from infra.executor import Executor
from kernel.context import SYSTEM_ACTOR
from kernel.timers import Timer
from services.awards.api import (
    AwardController,
    BidEvaluationController,
    EvaluationController,
    ProtestController,
)
from services.awards.commands import CloseProtestWindow
from services.awards.decider import EVALUATION, PROTEST_WINDOW_TIMER
from services.awards.readmodel import AwardIndexProjection


def _timer_handlers(executor: Executor) -> dict:
    async def close_protest_window(timer: Timer) -> None:
        await executor.execute_retrying(
            EVALUATION, timer.payload["solicitation_id"],
            CloseProtestWindow(award_id=timer.payload["award_id"]), SYSTEM_ACTOR,
            command_id=timer.timer_id)

    return {PROTEST_WINDOW_TIMER: close_protest_window}


COMPONENT = Component(
    name="awards",
    route_handlers=[EvaluationController, BidEvaluationController, AwardController, ProtestController],
    projections=lambda civic: [AwardIndexProjection()],
    timer_handlers=lambda civic: _timer_handlers(civic.executor),
)
