"""Runs many stories along one clock.

A story is an async generator that yields the story day it wants to continue at; the
timeline wakes stories in day order and moves the development clock to each day first.
Stories due within the same few hours run together (they are independent), and the clock
is then set to the latest of them, so no step ever runs before its planned time.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from services.demo.api import Api

Story = AsyncIterator[float]

#: steps planned within this many days of each other run together
BATCH_WINDOW = 5.0
CONCURRENCY = 16


async def run_stories(api: Api, day_zero: datetime, stories: list[Story],
                      last_day: float | None = None) -> None:
    """Run ``stories`` to their end; day ``d`` of a story is ``day_zero + d days``. The
    clock never passes ``last_day`` (the story's today): a step planned later runs then,
    so that the clock can afterwards move on to the present without running backwards."""
    queue: list[tuple[float, int, Story]] = []
    for order, story in enumerate(stories):
        first = await _next_day(story)
        if first is not None:
            heapq.heappush(queue, (first, order, story))
    clock_day = float("-inf")
    gate = asyncio.Semaphore(CONCURRENCY)

    async def step(order: int, story: Story) -> tuple[float | None, int, Story]:
        async with gate:
            return await _next_day(story), order, story

    while queue:
        first_day = queue[0][0]
        batch = []
        while queue and queue[0][0] <= first_day + BATCH_WINDOW:
            batch.append(heapq.heappop(queue))
        latest = max(day for day, _, _ in batch)
        if last_day is not None:
            latest = min(latest, last_day)
        if latest > clock_day:
            await api.set_clock(day_zero + timedelta(days=latest))
            clock_day = latest
        for day, order, story in await asyncio.gather(*(step(o, s) for _, o, s in batch)):
            if day is not None:
                heapq.heappush(queue, (max(day, clock_day), order, story))


async def _next_day(story: Story) -> float | None:
    try:
        return await anext(story)
    except StopAsyncIteration:
        return None
