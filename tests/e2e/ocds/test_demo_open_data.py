"""The demo marketplace (two years of agencies, vendors, solicitations, awards, contracts
and payments made through the routes) publishes valid open data, and nothing private."""

from __future__ import annotations

import msgspec
from litestar.testing import AsyncTestClient

from infra.container import open_civic
from infra.http.app import create_app
from projections.ocds import validation
from services.demo.scale import PRESETS
from services.demo.targets import in_process
from tests.e2e.ocds.served import FEED, RECORDS, local, ok
from tests.support import TEST_WEBHOOK_SECRET, eventually


async def _walk(client, path: str, **params) -> list[dict]:
    pages = [await ok(client, path, **params)]
    while "links" in pages[-1]:
        pages.append(await ok(client, local(pages[-1]["links"]["next"])))
    return pages


async def _caught_up(civic) -> None:
    runner = civic.runner_for("ocds")

    async def done() -> bool:
        await runner.catch_up()
        return await civic.store.count_after(await runner.checkpoint()) == 0

    await eventually(done, timeout=120, what="the ocds projection to catch up with the demo")


async def test_the_demo_marketplace_publishes_valid_open_data(isolated, localstripe):
    settings = (await isolated()).with_(
        stripe_api_base=localstripe.api_base,
        stripe_api_key=localstripe.api_key,
        stripe_webhook_secret=TEST_WEBHOOK_SECRET,
    )
    await in_process(settings, 7, PRESETS["tiny"])
    civic = await open_civic(settings, with_nats=False)
    try:
        await _caught_up(civic)
        async with AsyncTestClient(app=create_app(settings), timeout=60) as client:
            feed = await _walk(client, FEED, per_page=50)
            records = await _walk(client, RECORDS, per_page=20)
            served = [*feed, *records]
            for record in [r for page in records for r in page["records"]]:
                served.append(await ok(client, f"{RECORDS}/{record['ocid']}"))
                served.append(await ok(client, f"{FEED}/{record['releases'][-1]['id']}"))
        for package in served:
            problems = validation.problems(package)
            assert problems == [], f"{package['uri']}: {problems[:5]}"

        compiled = [r["compiledRelease"] for page in records for r in page["records"]]
        assert len(compiled) == await civic.pool.fetchval(
            "SELECT count(*) FROM events WHERE type = 'solicitations.SolicitationPublished.v1'"
        )
        assert any(c.get("awards") for c in compiled) and any(c.get("contracts") for c in compiled)
        assert any(
            t
            for c in compiled
            for k in c.get("contracts", [])
            for t in k.get("implementation", {}).get("transactions", [])
        )

        private = await civic.pool.fetch(
            "SELECT data->>'tax_id' AS tax_id, c->>'email' AS email FROM events,"
            " jsonb_array_elements(data->'contacts') AS c WHERE type = 'vendors.VendorRegistered.v1'"
        )
        assert private
        body = msgspec.json.encode(served).decode()
        for row in private:
            assert row["tax_id"] not in body and row["email"] not in body
        parked = await civic.pool.fetch(
            "SELECT type, error FROM parked_events WHERE projection = 'ocds'"
        )
        assert [tuple(r) for r in parked] == []

        # the same events rebuild the same releases
        before = await civic.pool.fetch(
            "SELECT release_id, release::text FROM ocds_releases ORDER BY 1"
        )
        await civic.runner_for("ocds").rebuild()
        await _caught_up(civic)
        assert (
            await civic.pool.fetch("SELECT release_id, release::text FROM ocds_releases ORDER BY 1")
            == before
        )
    finally:
        await civic.close()
