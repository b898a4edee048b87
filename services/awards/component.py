"""What the awards context contributes to the composition root."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.components import Component
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

if TYPE_CHECKING:
    from infra.container import Civic


def _timer_handlers(civic: Civic) -> dict:
    async def close_protest_window(timer: Timer) -> None:
        await civic.executor.execute_retrying(
            EVALUATION, timer.payload["solicitation_id"],
            CloseProtestWindow(award_id=timer.payload["award_id"]), SYSTEM_ACTOR,
            command_id=timer.timer_id)

    return {PROTEST_WINDOW_TIMER: close_protest_window}


COMPONENT = Component(
    name="awards",
    route_handlers=[EvaluationController, BidEvaluationController, AwardController, ProtestController],
    projections=lambda civic: [AwardIndexProjection()],
    timer_handlers=_timer_handlers,
)
