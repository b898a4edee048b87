"""``civic rebuild diversity`` replays the store into the diversity read model."""

from __future__ import annotations

from projections.diversity.projection import DiversityProjection
from tests.integration.diversity import scenario
from tests.integration.search import builders as b


async def test_civic_rebuild_diversity_restores_the_read_model(readmodel):
    await scenario.load(readmodel.store)
    projection = DiversityProjection()
    await b.project(readmodel, projection)
    live = await b.snapshot(readmodel, projection.tables)
    await readmodel.pool.execute("UPDATE diversity_spend_monthly SET amount = amount * 2")  # a damaged read model
    output = await b.rebuild_with_cli(readmodel, "diversity")
    events = await readmodel.pool.fetchval("SELECT count(*) FROM events")
    assert f"rebuilt diversity from {events} events" in output
    assert await b.snapshot(readmodel, projection.tables) == live
