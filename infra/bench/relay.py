"""``civic bench relay``: store -> JetStream through the relay, beside nats-py's
``publish_async`` of the same messages."""

from __future__ import annotations

import asyncio
from typing import Any

from infra import bus, db
from infra.bench.figures import rate
from infra.bench.scratch import scratch
from infra.bench.workload import fill
from infra.eventstore import START, RawEvent
from infra.postgres_store import PostgresEventStore
from infra.relay import Relay
from infra.settings import Settings


async def run(settings: Settings, *, count: int) -> dict[str, Any]:
    result: dict[str, Any] = {"benchmark": "relay", "events": count}
    async with scratch(settings, "relay") as own, scratch(settings, "ceiling") as ceiling:
        pool = await db.create_pool(own.database_url)
        nc = await bus.connect(own.nats_url)
        try:
            store = PostgresEventStore(pool)
            await fill(store, count)
            raws = await _all(store, count)
            js = nc.jetstream()
            await bus.ensure_stream(js, ceiling.stream_name, ceiling.subject_prefix)
            result["publish_ceiling_per_s"] = await rate(count, lambda: _publish_async(js, ceiling, raws))
            await bus.ensure_stream(js, own.stream_name, own.subject_prefix)
            relay = Relay(own, store, nc)
            result["relay_per_s"] = await rate(count, lambda: _relay_all(relay, count))
            stored = (await js.stream_info(own.stream_name)).state.messages
            if stored != count:
                raise RuntimeError(f"the stream holds {stored} messages, not {count}")
        finally:
            await nc.close()
            await pool.close()
    result["relay_vs_publish"] = result["relay_per_s"] / result["publish_ceiling_per_s"]
    return result


async def _all(store: PostgresEventStore, count: int) -> list[RawEvent]:
    raws: list[RawEvent] = []
    while len(raws) < count:
        batch = await store.read_all_raw(raws[-1].position if raws else START, 10000)
        if not batch:
            await asyncio.sleep(0.05)  # a transaction elsewhere holds the horizon back
        raws.extend(batch)
    return raws


async def _publish_async(js: Any, settings: Settings, raws: list[RawEvent]) -> None:
    """The same subjects, payloads and headers as the relay, pipelined by nats-py."""
    futures = []
    prev = str(START)
    for raw in raws:
        position = str(raw.position)
        headers = {"Nats-Msg-Id": raw.event_id, bus.HEADER_POSITION: position, bus.HEADER_PREV: prev,
                   bus.HEADER_TYPE: raw.type}
        futures.append(await js.publish_async(bus.subject_for(settings.subject_prefix, raw.type),
                                              bus.envelope_of(raw, prev), headers=headers))
        prev = position
    await asyncio.gather(*futures)


async def _relay_all(relay: Relay, count: int) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    while relay.published < count:
        if task.done():
            task.result()
        await asyncio.sleep(0.002)
    stop.set()
    await task
