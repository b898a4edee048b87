"""Timer handlers: the solicitation closes by itself at its submission deadline, and opens
at its opening time.

The opening's tabulation holds the unsealed prices, and only the bids service holds the
bid key: this handler asks it (``services.bids.facts.opening_tabulation``) and records
``SolicitationOpened``; the bids service reacts to that event by unsealing each bid.
"""

from __future__ import annotations

from asyncpg import Pool

from infra.clock import Clock
from infra.executor import Executor
from infra.settings import Settings
from kernel.context import SYSTEM_ACTOR
from kernel.timers import Timer
from services.bids.facts import opening_tabulation
from services.solicitations.commands import CloseSolicitation, OpenSolicitation
from services.solicitations.deciders.solicitation import SOLICITATION, is_due_for_opening


def close_handler(executor: Executor):  # noqa: ANN201 - a TimerHandler
    async def close(timer: Timer) -> None:
        await executor.execute(SOLICITATION, timer.payload["solicitation_id"], CloseSolicitation(),
                                     SYSTEM_ACTOR, command_id=timer.timer_id)

    return close


def open_handler(executor: Executor, pool: Pool, clock: Clock, settings: Settings):  # noqa: ANN201 - a TimerHandler
    async def open_solicitation(timer: Timer) -> None:
        solicitation_id = timer.payload["solicitation_id"]
        state, _ = await executor.load(SOLICITATION, solicitation_id)
        if not is_due_for_opening(state, clock.now()):
            return  # cancelled, already opened, or the opening moved: a stale timer
        tabulation = await opening_tabulation(executor, pool, clock, settings, solicitation_id,
                                              state.latest_addendum)
        await executor.execute(SOLICITATION, solicitation_id, OpenSolicitation(tabulation=tabulation),
                               SYSTEM_ACTOR, command_id=timer.timer_id)

    return open_solicitation
