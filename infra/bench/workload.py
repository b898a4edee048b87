"""What the benchmarks write: real agency events, as single commands or in batches."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from events.agencies import AgencyRegistered
from events.base import Metadata
from infra.postgres_store import PostgresEventStore


def agency_event(i: int) -> AgencyRegistered:
    return AgencyRegistered(agency_id=f"ag-{i}", name=f"Department of Public Works {i}",
                            jurisdiction="City of Springfield")


def metadata() -> Metadata:
    return Metadata(occurred_at=datetime.now(UTC), actor="bench", actor_role="admin")


async def in_parallel(workers: int, total: int, work: Callable[[int], Awaitable[None]]) -> None:
    """Run ``work(i)`` for i in 0..total-1 on ``workers`` concurrent tasks."""
    counter = iter(range(total))

    async def worker() -> None:
        for i in counter:
            await work(i)

    await asyncio.gather(*(worker() for _ in range(workers)))


async def fill(store: PostgresEventStore, count: int, *, per_append: int = 1000, workers: int = 4) -> None:
    """Store ``count`` events quickly (batched appends on new streams)."""
    meta = metadata()

    async def append(chunk: int) -> None:
        first = chunk * per_append
        size = min(per_append, count - first)
        await store.append(f"agency-bench-{chunk}", 0, [agency_event(first + j) for j in range(size)], meta)

    await in_parallel(workers, -(-count // per_append), append)


async def all_visible(store: PostgresEventStore, count: int, *, timeout_s: float = 120) -> None:
    """Wait until readers of the global order see ``count`` events: they stop below the
    oldest transaction running anywhere on the server."""
    query = "SELECT count(*) FROM events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
    async with asyncio.timeout(timeout_s):
        while await store.pool.fetchval(query) < count:  # noqa: ASYNC110 - polling the database
            await asyncio.sleep(0.05)
