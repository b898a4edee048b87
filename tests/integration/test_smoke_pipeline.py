"""Store -> relay -> JetStream -> runner, end to end, on real servers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import msgspec

from events.base import Event, Metadata
from infra.container import open_civic
from infra.relay import Relay
from infra.runner import Runner
from tests.support import eventually


class Pinged(Event, frozen=True, kw_only=True, tag="testing.Pinged.v1"):
    n: int


class CountingProjection:
    name = "test_pings"
    tables = ("test_pings",)
    types = frozenset({"testing.Pinged.v1"})

    async def apply(self, conn, events):
        await conn.executemany(
            "INSERT INTO test_pings (event_id, n) VALUES ($1, $2)",
            [(e.event_id, e.event.n) for e in events],
        )


async def test_events_flow_from_store_to_projection_exactly_once(isolated):
    settings = await isolated()
    civic = await open_civic(settings)
    try:
        await civic.pool.execute("CREATE TABLE test_pings (event_id text PRIMARY KEY, n int)")
        meta = Metadata(occurred_at=datetime.now(UTC))
        for i in range(50):
            await civic.store.append(f"ping-{i % 5}", None, [Pinged(n=i), Pinged(n=i + 1000)], meta)
        stop = asyncio.Event()
        relay = Relay(settings, civic.store, civic.nc)
        runner = Runner(CountingProjection(), civic.store, settings)
        tasks = [asyncio.create_task(relay.run(stop)), asyncio.create_task(runner.run(civic.nc, stop))]
        await eventually(lambda: civic.pool.fetchval("SELECT count(*) = 100 FROM test_pings"), what="100 rows")
        for i in range(50, 60):
            await civic.store.append(f"ping-{i % 5}", None, [Pinged(n=i)], meta)
        await eventually(lambda: civic.pool.fetchval("SELECT count(*) = 110 FROM test_pings"), what="110 rows")
        stop.set()
        await asyncio.gather(*tasks)
        info = await civic.js.stream_info(settings.stream_name)
        assert info.state.messages == 110
        assert await runner.checkpoint() == await civic.store.head()
        stored = await civic.store.read_stream("ping-0")
        assert [e.event.n for e in stored][:2] == [0, 1000]
        assert msgspec.json.encode(stored[0].event) == b'{"type":"testing.Pinged.v1","n":0}'
    finally:
        await civic.close()
