"""The one clock of the marketplace.

Production uses the system clock. With ``CIVIC_DEV_CLOCK=1`` the clock is the system
clock plus an offset kept in PostgreSQL, so that every process (API, runners, scheduler)
shares it; an admin moves it through ``POST /api/v1/dev/clock``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg


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
        if now is not None:
            target = now.astimezone(UTC)
        else:
            target = self.now() + timedelta(seconds=advance_seconds or 0)
        offset = target - datetime.now(UTC)
        offset_us = offset // timedelta(microseconds=1)
        await self.pool.execute(
            "INSERT INTO dev_clock (id, offset_us) VALUES (true, $1)"
            " ON CONFLICT (id) DO UPDATE SET offset_us = EXCLUDED.offset_us",
            offset_us,
        )
        self.offset = timedelta(microseconds=offset_us)
        return self.now()
