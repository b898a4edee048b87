"""Idempotency and rebuild of the spend projection, on a fresh database."""

from __future__ import annotations

from projections.spend.projection import SpendProjection
from tests.integration.search import builders as b
from tests.integration.spend import scenario


async def test_replays_change_nothing_and_rebuild_equals_live(readmodel):
    await scenario.load(readmodel.store)
    await b.replay_checks(readmodel, SpendProjection())


async def test_applying_in_one_batch_equals_applying_one_by_one(readmodel):
    if not await readmodel.pool.fetchval("SELECT count(*) FROM events"):
        await scenario.load(readmodel.store)
    await b.batch_equals_one_by_one(readmodel, SpendProjection())
