"""Idempotency and rebuild of the spend projection, on a fresh database."""

from __future__ import annotations

from projections.spend.projection import SpendProjection
from tests.integration.search import builders as b
from tests.integration.spend import scenario


async def test_replays_change_nothing_and_rebuild_equals_live(readmodel):
    await scenario.load(readmodel.store)
    await b.replay_checks(readmodel, SpendProjection())


async def test_applying_in_one_batch_equals_applying_one_by_one(readmodel):
    projection = SpendProjection()
    if not await readmodel.pool.fetchval("SELECT count(*) FROM events"):
        await scenario.load(readmodel.store)
    await b.project(readmodel, projection)
    stored = [e for e in await readmodel.store.read_all(limit=100_000) if e.type in projection.types]
    batch = await b.snapshot(readmodel, projection.tables)
    async with readmodel.pool.acquire() as conn, conn.transaction():
        await conn.execute(f"TRUNCATE {', '.join(projection.tables)}")
        for event in stored:
            await projection.apply(conn, [event])
    assert await b.snapshot(readmodel, projection.tables) == batch
