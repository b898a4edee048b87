"""Fires due timers: the way time (deadlines, expiries, windows) becomes events.

Timers are rows written with the events that ask for them. Once the clock passes a
timer's ``due_at``, its handler (registered by the owning service, by ``kind``) runs the
service's command through the normal path, with the timer id as command id, so a timer
fired twice (two schedulers, a crash before marking) appends nothing the second time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

import asyncpg
import msgspec

from infra.cancellation import raise_if_cancelled
from infra.clock import Clock
from kernel.errors import DomainError
from kernel.timers import Timer

log = logging.getLogger("civic.scheduler")

TimerHandler = Callable[[Timer], Awaitable[None]]


class Scheduler:
    def __init__(self, pool: asyncpg.Pool, clock: Clock, handlers: Mapping[str, TimerHandler]) -> None:
        self.pool = pool
        self.clock = clock
        self.handlers = handlers
        self._lock = asyncio.Lock()

    async def fire_due(self, *, max_rounds: int = 50) -> int:
        """Fire every timer due by now (and timers those create that are due too)."""
        fired = 0
        async with self._lock:
            for _ in range(max_rounds):
                count = await self._fire_batch()
                fired += count
                if count == 0:
                    break
        return fired

    async def _fire_batch(self) -> int:
        await self.clock.refresh()
        now = self.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT timer_id, kind, stream_id, due_at, payload FROM timers"
                " WHERE fired_at IS NULL AND due_at <= $1 AND attempts < 20"
                " ORDER BY due_at, timer_id LIMIT 100 FOR UPDATE SKIP LOCKED",
                now,
            )
            done = 0
            for row in rows:
                timer = Timer(
                    timer_id=row["timer_id"],
                    kind=row["kind"],
                    stream_id=row["stream_id"],
                    due_at=row["due_at"],
                    payload=msgspec.json.decode(row["payload"]),
                )
                handler = self.handlers.get(timer.kind)
                error: str | None = None
                if handler is None:
                    error = f"no handler for timer kind {timer.kind}"
                else:
                    try:
                        await handler(timer)
                    except DomainError as exc:  # the state moved on: nothing to do
                        error = f"{exc.code}: {exc.message}"
                    except Exception as exc:  # noqa: BLE001 - retried on the next round
                        log.warning("timer %s failed: %s", timer.timer_id, exc)
                        await conn.execute(
                            "UPDATE timers SET attempts = attempts + 1, last_error = $2 WHERE timer_id = $1",
                            timer.timer_id,
                            repr(exc)[:2000],
                        )
                        continue
                await conn.execute(
                    "UPDATE timers SET fired_at = $2, attempts = attempts + 1, last_error = $3 WHERE timer_id = $1",
                    timer.timer_id,
                    now,
                    error,
                )
                done += 1
            return done

    async def run(self, stop: asyncio.Event, interval_s: float = 1.0) -> None:
        while not stop.is_set():
            raise_if_cancelled()
            try:
                await self.fire_due()
            except Exception as exc:  # noqa: BLE001 - the database may be restarting
                log.warning("scheduler: %s", exc)
            try:
                async with asyncio.timeout(interval_s):  # wait_for could swallow a cancellation
                    await stop.wait()
            except TimeoutError:
                pass
