"""Timer handlers: a document's expiry date becomes an event when it comes."""

from __future__ import annotations

from collections.abc import Mapping

from infra.container import Civic
from infra.scheduler import TimerHandler
from kernel.context import SYSTEM_ACTOR
from kernel.timers import Timer
from services.documents.commands import ExpireDocument
from services.documents.decider import DOCUMENT, DOCUMENT_EXPIRY


def timer_handlers(civic: Civic) -> Mapping[str, TimerHandler]:
    async def expire(timer: Timer) -> None:
        await civic.executor.execute(DOCUMENT, timer.stream_id.removeprefix(f"{DOCUMENT.stream_prefix}-"),
                                     ExpireDocument(), SYSTEM_ACTOR, command_id=timer.timer_id)

    return {DOCUMENT_EXPIRY: expire}
