"""``civic rebuild search`` replays the store into the search read model."""

from __future__ import annotations

from projections.search.projection import SearchProjection
from tests.integration.diversity import scenario
from tests.integration.search import builders as b


async def test_civic_rebuild_search_restores_the_read_model(readmodel):
    await scenario.load(readmodel.store)
    projection = SearchProjection()
    await b.project(readmodel, projection)
    live = await b.snapshot(readmodel, projection.tables)
    await readmodel.pool.execute("DELETE FROM search_solicitations")  # a damaged read model
    output = await b.rebuild_with_cli(readmodel, "search")
    events = await readmodel.pool.fetchval("SELECT count(*) FROM events")
    assert f"rebuilt search from {events} events" in output
    assert "rebuild search" in output  # the progress bar's label
    assert await b.snapshot(readmodel, projection.tables) == live
