"""The projection runner on real servers: redelivery, poison events, malformed messages,
gaps and disorder, competing runners, and rebuild equals live."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

import pytest

from infra import bus, db
from infra.eventstore import START, Position
from infra.postgres_store import PostgresEventStore
from infra.relay import Relay
from infra.runner import Runner
from tests.integration.infra.support import NotesProjection, all_visible, append_notes, store_order
from tests.support import eventually


@pytest.fixture
async def wired(isolated):
    settings = await isolated()
    pool = await db.create_pool(settings.database_url)
    nc = await bus.connect(settings.nats_url)
    await bus.ensure_stream(nc.jetstream(), settings.stream_name, settings.subject_prefix)
    yield settings, PostgresEventStore(pool), nc
    await nc.close()
    await pool.close()


@contextlib.asynccontextmanager
async def pipeline(settings, store, nc, runners: Sequence[Runner]) -> AsyncIterator[Relay]:
    """A relay and the given runners, running; the runners subscribed before it yields."""
    stop = asyncio.Event()
    relay = Relay(settings, store, nc, lock_retry_s=0.05)
    tasks = [asyncio.create_task(r.run(nc, stop)) for r in runners]
    js = nc.jetstream()
    for runner in runners:
        await eventually(lambda r=runner: _consumer_exists(js, settings.stream_name, r.durable_name),
                         what="the runner's consumer")
    tasks.append(asyncio.create_task(relay.run(stop)))
    try:
        yield relay
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 20)


async def _consumer_exists(js, stream: str, durable: str) -> bool:
    try:
        await js.consumer_info(stream, durable)
    except Exception:  # noqa: BLE001 - not there yet
        return False
    return True


async def _visible(store: PostgresEventStore, count: int):
    raws = await store.read_all_raw(START, count + 1)
    return raws if len(raws) == count else None


async def _last_stored(store: PostgresEventStore) -> Position:
    """The last event stored, whether or not readers may see it yet (``head`` stops
    below transactions still running anywhere on the server)."""
    row = await store.pool.fetchrow(
        "SELECT transaction_id::text::bigint AS tx, position FROM events"
        " ORDER BY transaction_id DESC, position DESC LIMIT 1")
    return Position(row["tx"], row["position"]) if row else START


async def _caught_up(runner: Runner, store: PostgresEventStore) -> bool:
    last = await _last_stored(store)
    return last != START and await runner.checkpoint() == last


async def _parked(pool, name: str) -> list:
    return await pool.fetch("SELECT * FROM parked_events WHERE projection = $1 ORDER BY id", name)


async def _fetch(runner: Runner, sub, count: int) -> list:
    msgs: list = []
    while len(msgs) < count:
        msgs.extend(await runner._next_batch(sub))
    return msgs


async def test_a_redelivered_batch_is_a_no_op(wired):
    settings, store, nc = wired
    projection = NotesProjection()
    await projection.create(store.pool)
    runner = Runner(projection, store, settings)
    sub = await runner._subscribe(nc.jetstream())
    try:
        await append_notes(store, 20)
        raws = await eventually(lambda: _visible(store, 20), what="20 visible events")
        await Relay(settings, store, nc).publish(raws, START)
        msgs = await _fetch(runner, sub, 20)
        await runner.handle_messages(msgs)
        rows, checkpoint = await projection.rows(store.pool), await runner.checkpoint()
        assert [r[3] for r in rows] == list(range(20))
        await runner.handle_messages(msgs)
        await runner.handle_messages(msgs[5:12])
        assert await projection.rows(store.pool) == rows
        assert await runner.checkpoint() == checkpoint == raws[-1].position
    finally:
        await sub.unsubscribe()


async def test_gaps_and_disorder_are_filled_from_the_store(wired):
    settings, store, nc = wired
    projection = NotesProjection()
    await projection.create(store.pool)
    runner = Runner(projection, store, settings)
    sub = await runner._subscribe(nc.jetstream())
    try:
        await append_notes(store, 6)
        e = await eventually(lambda: _visible(store, 6), what="6 visible events")
        relay = Relay(settings, store, nc)
        # The stream gets 0 1, then 4 5 (naming 3 as predecessor), then 2 3 late.
        await relay.publish(e[0:2], START)
        await relay.publish(e[4:6], e[3].position)
        await relay.publish(e[2:4], e[1].position)
        msgs = await _fetch(runner, sub, 6)
        for i in range(0, 6, 2):
            await runner.handle_messages(msgs[i : i + 2])
        rows = await projection.rows(store.pool)
        assert [r[3] for r in rows] == [0, 1, 2, 3, 4, 5]
        assert await runner.checkpoint() == e[5].position
    finally:
        await sub.unsubscribe()


async def test_a_poison_event_is_parked_and_the_projection_continues(wired):
    settings, store, nc = wired
    projection = NotesProjection(fail_on=[7])
    await projection.create(store.pool)
    runner = Runner(projection, store, settings)
    async with pipeline(settings, store, nc, [runner]):
        await append_notes(store, 30)
        await eventually(lambda: _caught_up(runner, store), what="the runner to catch up")
        await append_notes(store, 5, first=30)
        await eventually(lambda: _caught_up(runner, store), what="the runner to carry on")
    rows = await projection.rows(store.pool)
    assert sorted(r[3] for r in rows) == [n for n in range(35) if n != 7]
    parked = await _parked(store.pool, projection.name)
    assert len(parked) == 1
    assert parked[0]["type"] == "infratest.Noted.v1"
    assert "note 7 cannot be applied" in parked[0]["error"]


async def test_a_malformed_message_is_parked_and_terminated(wired):
    settings, store, nc = wired
    projection = NotesProjection()
    await projection.create(store.pool)
    runner = Runner(projection, store, settings)
    js = nc.jetstream()
    async with pipeline(settings, store, nc, [runner]):
        await append_notes(store, 5)
        await eventually(lambda: _caught_up(runner, store), what="the runner to catch up")
        await js.publish(f"{settings.subject_prefix}.junk", b"\x00not an event")
        await eventually(lambda: _parked(store.pool, projection.name), what="a parked message")
        await append_notes(store, 5, first=5)
        await eventually(lambda: _caught_up(runner, store), what="the runner to carry on")
        info = await js.consumer_info(settings.stream_name, runner.durable_name)
        assert info.num_ack_pending == 0 and info.num_redelivered == 0
    parked = await _parked(store.pool, projection.name)
    assert len(parked) == 1
    assert parked[0]["type"] == f"{settings.subject_prefix}.junk"
    assert "not an event" in parked[0]["payload"]
    assert [r[3] for r in await projection.rows(store.pool)] == list(range(10))


async def test_two_runners_of_one_projection_apply_each_event_once_in_order(wired):
    settings, store, nc = wired
    projection = NotesProjection()
    await projection.create(store.pool)
    runners = [Runner(projection, store, settings, batch_size=20) for _ in range(2)]
    async with pipeline(settings, store, nc, runners) as relay:
        for chunk in range(30):
            await append_notes(store, 20, streams=4, first=chunk * 20)
            relay.wake.set()
        await eventually(lambda: _caught_up(runners[0], store), timeout=30, what="both to catch up")
    rows = await projection.rows(store.pool)
    assert [r[0] for r in rows] == await store_order(store)
    assert len(rows) == 600
    assert await _parked(store.pool, projection.name) == []


async def test_rebuild_equals_live(wired):
    settings, store, nc = wired
    projection = NotesProjection(fail_on=[5])
    await projection.create(store.pool)
    runner = Runner(projection, store, settings)
    async with pipeline(settings, store, nc, [runner]):
        await append_notes(store, 400, streams=9, per_append=4)
        await eventually(lambda: _caught_up(runner, store), timeout=30, what="live to catch up")
    live = await projection.rows(store.pool)
    live_parked = [r["event_id"] for r in await _parked(store.pool, projection.name)]
    await all_visible(store, 400)
    progress: list[tuple[int, int]] = []
    count = await runner.rebuild(lambda done, total: progress.append((done, total)), batch_size=64)
    assert count == 400
    assert progress[-1] == (400, 400) and len(progress) == 7
    assert await projection.rows(store.pool) == live
    assert [r["event_id"] for r in await _parked(store.pool, projection.name)] == live_parked
    assert len(live_parked) == 1
    assert await runner.checkpoint() == await _last_stored(store)
