"""The disaster-recovery drill: load the demo, back up, restore into a new database and a
new, empty JetStream stream, start the workers. The relay publishes the whole store into
the new stream, every read model is rebuilt from it, and every read model and the OCDS
feed equal the original's: PostgreSQL is the system of record, everything else derives."""

from __future__ import annotations

import asyncio
import time

import pytest

from infra import bus
from infra.backup import backup, restore
from infra.container import open_civic
from infra.http.app import create_app
from projections.ocds.cli import export
from services.demo.generate import generate, stripe_outcomes
from services.demo.scale import PRESETS
from services.demo.targets import marketplace_in_process
from services.records.chain import verify
from tests.reliability.consistency import row_differences, snapshot, wait_caught_up
from tests.support import TEST_WEBHOOK_SECRET, drop_database, eventually, isolated_settings, unique

pytestmark = pytest.mark.slow


async def _quiet(civic) -> None:
    """Until every runner is at the head of the store and nothing more is appended (the
    reactors and timers the demo set off have all done their work)."""
    while True:
        await wait_caught_up(civic, max_wait=300)
        count = await civic.pool.fetchval("SELECT count(*) FROM events")
        await asyncio.sleep(2)
        await wait_caught_up(civic, max_wait=300)
        if await civic.pool.fetchval("SELECT count(*) FROM events") == count:
            return


async def _read_models(settings):
    """Every read model's rows, once every runner has reached the head of the store."""
    civic = await open_civic(settings, with_nats=False)
    try:
        await _quiet(civic)
        tables = sorted({t for p in civic.projections() for t in p.tables})
        return civic, await snapshot(civic, tables)
    except BaseException:
        await civic.close()
        raise


async def test_backup_restore_into_a_new_database_and_stream(isolated, localstripe, server_settings,
                                                             tmp_path):
    started = time.monotonic()
    original = (await isolated()).with_(
        stripe_api_base=localstripe.api_base, stripe_api_key=localstripe.api_key,
        stripe_webhook_secret=TEST_WEBHOOK_SECRET)
    async with marketplace_in_process(original) as api:
        await generate(api, 11, PRESETS["tiny"], stripe=stripe_outcomes(original))
        civic, before = await _read_models(original)
    try:
        events = await civic.pool.fetchval("SELECT count(*) FROM events")
        await export(civic.pool, tmp_path / "feed-before", base_url="http://civic.example")
        loaded = time.monotonic()
        dump = await backup(original.database_url, tmp_path / "marketplace.dump")
        backed_up = time.monotonic()
    finally:
        await civic.close()

    tag = unique("")
    name = f"civic_test_{tag}"
    restored = isolated_settings(original, original.database_url.rsplit("/", 1)[0] + f"/{name}", tag)
    try:
        await restore(dump, restored.database_url, rebuild_read_models=True)
        app = create_app(restored, workers=True)
        async with app.lifespan():
            civic_b, after = await _read_models(restored)
            try:
                nc = await bus.connect(restored.nats_url)
                try:
                    async def republished():
                        info = await nc.jetstream().stream_info(restored.stream_name)
                        return info.state.messages == events

                    await eventually(republished, timeout=120, what="the store republished")
                finally:
                    await nc.close()
                await export(civic_b.pool, tmp_path / "feed-after", base_url="http://civic.example")
                async with civic_b.pool.acquire() as conn:
                    chain = await verify(conn)
            finally:
                await civic_b.close()
    finally:
        await drop_database(server_settings.database_url, name)
        nc = await bus.connect(restored.nats_url)
        try:
            await nc.jetstream().delete_stream(restored.stream_name)
        finally:
            await nc.close()
    drill = time.monotonic() - loaded

    rows = sum(len(v) for v in before.values())
    assert events > 500 and rows > 500
    differing = {t: row_differences({t: before[t]}, {t: after.get(t, [])}) for t in before}
    assert row_differences(before, after) == 0, (
        {t: n for t, n in differing.items() if n},
        [(sorted(set(before[t]) - set(after[t]))[:2], sorted(set(after[t]) - set(before[t]))[:2])
         for t, n in differing.items() if n][:2])
    feed_before = (tmp_path / "feed-before" / "releases.jsonl").read_bytes()
    assert feed_before and feed_before == (tmp_path / "feed-after" / "releases.jsonl").read_bytes()
    assert chain.valid and chain.events == events
    print(f"\ndrill: {events} events, {rows} read-model rows; demo load {loaded - started:.1f} s;"
          f" backup {backed_up - loaded:.1f} s; backup, restore, republish and rebuild {drill:.1f} s;"
          " 0 differences")
