"""Idempotency and rebuild of the diversity projection, on a fresh database."""

from __future__ import annotations

from projections.diversity.projection import DiversityProjection
from tests.integration.diversity import scenario
from tests.integration.search import builders as b


async def test_replays_change_nothing_and_rebuild_equals_live(readmodel):
    await scenario.load(readmodel.store)
    await b.replay_checks(readmodel, DiversityProjection())


async def test_applying_in_one_batch_equals_applying_one_by_one(readmodel):
    if not await readmodel.pool.fetchval("SELECT count(*) FROM events"):
        await scenario.load(readmodel.store)
    await b.batch_equals_one_by_one(readmodel, DiversityProjection())
