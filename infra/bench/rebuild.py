"""``civic bench rebuild``: rebuilding a read model (the activity log) from the store,
beside a plain sequential read of the events table."""

from __future__ import annotations

from typing import Any

from infra import db
from infra.bench.figures import rate
from infra.bench.scratch import scratch
from infra.bench.workload import all_visible, fill
from infra.postgres_store import PostgresEventStore
from infra.runner import Runner
from infra.settings import Settings
from projections.activity.projection import ActivityProjection


async def run(settings: Settings, *, count: int) -> dict[str, Any]:
    result: dict[str, Any] = {"benchmark": "rebuild", "events": count, "projection": "activity"}
    async with scratch(settings, "rebuild") as own:
        pool = await db.create_pool(own.database_url)
        try:
            store = PostgresEventStore(pool)
            await fill(store, count)
            await all_visible(store, count)
            await pool.execute("VACUUM ANALYZE events")
            result["sequential_read_per_s"] = await rate(count, lambda: _read_all(pool))
            runner = Runner(ActivityProjection(), store, own)
            replayed = 0

            async def rebuild() -> None:
                nonlocal replayed
                replayed = await runner.rebuild()

            result["rebuild_per_s"] = await rate(count, rebuild)
            if replayed != count:
                raise RuntimeError(f"rebuilt from {replayed} events, not {count}")
        finally:
            await pool.close()
    result["rebuild_vs_read"] = result["rebuild_per_s"] / result["sequential_read_per_s"]
    return result


async def _read_all(pool: Any) -> None:
    async with pool.acquire() as conn, conn.transaction():
        async for _ in conn.cursor("SELECT * FROM events", prefetch=5000):
            pass
