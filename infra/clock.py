"""The one clock of the marketplace.

Production uses the system clock. With ``CIVIC_DEV_CLOCK=1`` the clock is the system
clock plus an offset kept in PostgreSQL, so that every process (API, runners, scheduler)
shares it; an admin moves it through ``POST /api/v1/dev/clock``.

The dev clock only moves forward once the marketplace holds an event: deadlines, timers
and read models all assume time never runs backwards. Before the first event it may be
set to any moment (the demo replays its history from a day zero in the past).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from kernel.errors import field_error


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def refresh(self) -> None:
        """Re-read shared state, if any (the dev clock's offset)."""


class DevClock(Clock):
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    async def refresh(self) -> None:
        offset_us = await self.pool.fetchval("SELECT offset_us FROM dev_clock")
        self.offset = timedelta(microseconds=offset_us or 0)

    async def set(self, *, now: datetime | None = None, advance_seconds: float | None = None) -> datetime:
        """Move the shared clock; returns the new time."""
        await self.refresh()
        before = self.now()
        if now is not None:
            target = now.astimezone(UTC)
        else:
            target = self.now() + timedelta(seconds=advance_seconds or 0)
        offset_us = (target - datetime.now(UTC)) // timedelta(microseconds=1)
        # Forward only (once anything happened): a concurrent move never wins over a later one.
        stored = await self.pool.fetchval(
            "INSERT INTO dev_clock (id, offset_us) VALUES (true, $1)"
            " ON CONFLICT (id) DO UPDATE SET offset_us = CASE"
            "   WHEN EXCLUDED.offset_us >= dev_clock.offset_us"
            "     OR NOT EXISTS (SELECT 1 FROM events) THEN EXCLUDED.offset_us"
            "   ELSE dev_clock.offset_us END"
            " RETURNING offset_us",
            offset_us,
        )
        self.offset = timedelta(microseconds=stored)
        if stored != offset_us and target < before:
            raise field_error("now", f"the clock is at {self.now().isoformat()} and only moves "
                              "forward", code="clock_backwards")
        return self.now()
