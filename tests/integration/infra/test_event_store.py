"""The event store's contract, run over every implementation (PostgreSQL and in memory),
as pyeventsourcing runs one persistence suite over every store: atomic appends,
optimistic concurrency, idempotency, transactions, reading in batches and gap-free
tailing. Then what only PostgreSQL has: migrations and immutability."""

from __future__ import annotations

import asyncio
import random

import asyncpg
import pytest

from events.vendors import UserInvited
from infra import db, personal
from infra.eventstore import START, EventStore, event_ids_for
from infra.memory_store import InMemoryEventStore
from infra.migrate import migrate, migration_files
from infra.postgres_store import PostgresEventStore
from kernel.context import Actor
from kernel.errors import Conflict
from services.agencies.commands import RegisterAgency
from services.agencies.decider import AGENCY
from tests.integration.infra.support import (
    Noted,
    NotedVendor,
    all_visible,
    append_notes,
    meta,
    store_order,
)
from tests.support import create_database, drop_database, unique


@pytest.fixture
async def pg_store(isolated):
    settings = await isolated()
    pool = await db.create_pool(settings.database_url, min_size=2, max_size=40)
    yield PostgresEventStore(pool)
    await pool.close()


@pytest.fixture(params=["postgres", "memory"])
def store(request):
    """Each implementation of the contract in turn."""
    if request.param == "memory":
        return InMemoryEventStore()
    return request.getfixturevalue("pg_store")


async def _count(store: EventStore) -> int:
    return await store.count_after(START)


async def test_wrong_expected_version_is_a_conflict_and_writes_nothing(store):
    first = await store.append("s-1", 0, [Noted(n=1), Noted(n=2)], meta())
    assert first.version == 2
    with pytest.raises(Conflict) as raised:
        await store.append("s-1", 1, [Noted(n=3), Noted(n=4)], meta())
    assert raised.value.details == {"expected_version": 1, "actual_version": 2}
    with pytest.raises(Conflict):
        await store.append("s-1", 0, [Noted(n=3)], meta())
    assert await _count(store) == 2
    assert [e.event.n for e in await store.read_stream("s-1")] == [1, 2]


async def test_a_multi_event_append_is_all_or_nothing(store):
    taken = event_ids_for("cmd-taken", 1)[0]
    await store.append("s-a", 0, [Noted(n=1)], meta(), event_ids=[taken])
    with pytest.raises(Conflict):
        # The second id is already used by another stream: nothing of this append lands.
        await store.append("s-b", 0, [Noted(n=2), Noted(n=3)], meta(),
                           event_ids=[event_ids_for("cmd-new", 1)[0], taken])
    assert await store.read_stream("s-b") == []
    assert await _count(store) == 1


async def test_concurrent_appenders_at_one_version_exactly_one_wins(store):
    async def attempt(i: int) -> bool:
        try:
            await store.append("contested", 0, [Noted(n=i)], meta())
            return True
        except Conflict:
            return False

    results = await asyncio.gather(*(attempt(i) for i in range(12)))
    assert results.count(True) == 1
    assert await store.stream_version("contested") == 1


async def test_appending_without_expected_version_serialises_concurrent_writers(store):
    await asyncio.gather(*(store.append("busy", None, [Noted(n=i)], meta()) for i in range(10)))
    stored = await store.read_stream("busy")
    assert [e.version for e in stored] == list(range(1, 11))
    assert sorted(e.event.n for e in stored) == list(range(10))


async def test_same_event_ids_append_once(store):
    ids = event_ids_for("command-1", 2)
    first = await store.append("s-idem", 0, [Noted(n=1), Noted(n=2)], meta(), event_ids=ids)
    again = await store.append("s-idem", 0, [Noted(n=1), Noted(n=2)], meta(), event_ids=ids)
    assert not first.duplicate and again.duplicate
    assert again.version == first.version == 2
    # Even when the stream moved on, a repeat is recognised rather than appended.
    await store.append("s-idem", 2, [Noted(n=3)], meta())
    late = await store.append("s-idem", 2, [Noted(n=1), Noted(n=2)], meta(), event_ids=ids)
    assert late.duplicate
    assert await _count(store) == 3


async def test_the_request_fingerprint_is_kept_with_the_events_and_a_reused_key_is_refused(store):
    from infra.clock import Clock
    from infra.executor import Executor
    from infra.idempotency import forget_request, track_request

    executor = Executor(store, Clock())
    admin = Actor(sub="admin-1", role="admin")
    command = RegisterAgency(agency_id="ag-fp", name="Parks", jurisdiction="City")
    first = track_request("POST", "/api/v1/agencies", b"")
    first.feed(b'{"name": "Parks", "jurisdiction": "City"}')
    try:
        await executor.execute(AGENCY, "ag-fp", command, admin, command_id="cmd-fp")
        stored = await store.find(event_ids_for("cmd-fp", 1)[0])
        assert stored is not None and stored.metadata.request_fingerprint == first.digest()
        # the same document, spaced and ordered differently: the same request, one answer
        track_request("POST", "/api/v1/agencies", b"").feed(b'{"jurisdiction":"City","name":"Parks"}')
        again = await executor.execute(AGENCY, "ag-fp", command, admin, command_id="cmd-fp")
        assert again.duplicate and again.version == 1
        track_request("POST", "/api/v1/agencies", b"").feed(b'{"name": "Lakes", "jurisdiction": "City"}')
        with pytest.raises(Conflict) as raised:
            await executor.execute(AGENCY, "ag-fp", command, admin, command_id="cmd-fp")
        assert raised.value.code == "idempotency_key_reused"
    finally:
        forget_request()
    assert await _count(store) == 1


async def test_a_repeated_command_id_executes_once(isolated):
    from infra.container import open_civic

    civic = await open_civic(await isolated(), with_nats=False)
    try:
        admin = Actor(sub="admin-1", role="admin")
        command = RegisterAgency(agency_id="ag-1", name="Parks", jurisdiction="City")
        first = await civic.executor.execute(AGENCY, "ag-1", command, admin, command_id="cmd-42")
        second = await civic.executor.execute(AGENCY, "ag-1", command, admin, command_id="cmd-42")
        assert not first.duplicate and second.duplicate
        assert second.version == first.version == 1
        assert await civic.pool.fetchval("SELECT count(*) FROM events") == 1
    finally:
        await civic.close()


async def test_appends_in_a_transaction_commit_together_or_not_at_all(store):
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await store.append("t-a", 0, [Noted(n=1)], meta(), conn=tx)
            await store.append("t-b", 0, [Noted(n=2)], meta(), conn=tx)
            assert [e.event.n for e in await store.read_stream("t-a", conn=tx)] == [1]
            raise RuntimeError("the request failed after both appends")
    assert await store.read_stream("t-a") == [] and await store.read_stream("t-b") == []
    assert await _count(store) == 0

    async with store.transaction() as tx:
        await store.append("t-a", 0, [Noted(n=1)], meta(), conn=tx)
        assert await store.stream_version("t-a", conn=tx) == 1
        assert await store.stream_version("t-a") == 0, "an open transaction's append is not seen"
        assert await store.read_all() == []
        await store.append("t-b", 0, [Noted(n=2)], meta(), conn=tx)
    await all_visible(store, 2)
    assert [e.stream_id for e in await store.read_all()] == ["t-a", "t-b"]


async def test_a_transaction_fails_whole_when_another_writer_moved_its_stream(store):
    await store.append("t-c", 0, [Noted(n=1)], meta())
    with pytest.raises(Conflict):
        async with store.transaction() as tx:
            await store.append("t-d", 0, [Noted(n=2)], meta(), conn=tx)
            # Another writer (another request) appends at the same version meanwhile.
            other = asyncio.create_task(store.append("t-c", 1, [Noted(n=3)], meta()))
            await asyncio.sleep(0.05)
            await store.append("t-c", 1, [Noted(n=4)], meta(), conn=tx)
    await other
    assert [e.event.n for e in await store.read_stream("t-c")] == [1, 3]
    assert await store.read_stream("t-d") == []


async def test_reading_a_stream_and_the_global_order_in_batches(store):
    await append_notes(store, 250, streams=7, per_append=3)
    await all_visible(store, 250)
    stream = await store.read_stream("note-0")
    assert [e.version for e in stream] == list(range(1, len(stream) + 1))
    tail = await store.read_stream("note-0", after_version=5)
    assert [e.version for e in tail] == list(range(6, len(stream) + 1))

    seen, after, batches = [], START, 0
    while batch := await store.read_all(after, 40):
        assert len(batch) <= 40
        seen.extend(batch)
        after = batch[-1].position
        batches += 1
    assert batches == 7
    assert [e.event.n for e in seen] == list(range(250))
    assert [e.position for e in seen] == sorted(e.position for e in seen)
    assert await store.head() == seen[-1].position


async def test_personal_data_is_stored_sealed_read_open_and_removed_once_its_key_is_destroyed(store):
    invited = UserInvited(vendor_id="v-pii", user="colleague@example.org")
    plain = NotedVendor(vendor_id="v-pii", user="colleague@example.org")  # no PERSONAL
    async with store.transaction() as conn:
        await store.append("vendor-v-pii", 0, [invited, plain], meta(), conn=conn)
    await all_visible(store, 2)
    raws = await store.read_all_raw()
    assert "colleague@example.org" not in raws[0].data and personal.PREFIX in raws[0].data
    assert "colleague@example.org" in raws[1].data  # only declared fields are sealed
    assert [e.event for e in await store.read_stream("vendor-v-pii")] == [invited, plain]
    assert (await store.find(raws[0].event_id)).event == invited
    assert await store.personal_keys.holders_of("user:colleague@example.org") == ["v-pii"]

    forgotten = await store.personal_keys.destroy("user:colleague@example.org")
    assert forgotten is not None and forgotten.holders == ["v-pii"]
    assert await store.personal_keys.destroy("user:colleague@example.org") is None
    for read in ([e.event for e in await store.read_stream("vendor-v-pii")],
                 [e.event for e in await store.read_all()]):
        assert read == [UserInvited(vendor_id="v-pii", user=personal.REMOVED), plain]


async def test_a_tailing_reader_sees_every_event_exactly_once_under_concurrent_writers(store):
    """The gap test: transactions commit out of position order, some held open while
    others commit; a reader following the global order must still see each event once."""
    writers, rounds = 24, 12
    rng = random.Random(7)
    written: list[str] = []
    done = asyncio.Event()

    async def writer(w: int) -> None:
        for r in range(rounds):
            async with store.transaction() as conn:
                first = await store.append(f"w{w}", None, [Noted(n=r)], meta(), conn=conn)
                if w % 3 == 0:
                    # Held open: others take later positions and commit meanwhile; this
                    # transaction's next event gets a position after theirs.
                    await asyncio.sleep(rng.uniform(0.005, 0.05))
                    second = await store.append(f"w{w}", None, [Noted(n=r)], meta(), conn=conn)
                    ids = first.event_ids + second.event_ids
                else:
                    ids = first.event_ids
            written.extend(ids)

    async def tail() -> list:
        seen, after = [], START
        while True:
            # Done once every writer has finished and as many events were seen as written
            # (more would be a duplicate, caught below). Until then an empty read only means
            # a transaction somewhere on the server is still running.
            finished = done.is_set() and len(seen) >= len(written)
            batch = await store.read_all_raw(after, 25)
            seen.extend(batch)
            if batch:
                after = batch[-1].position
            elif finished:
                return seen
            else:
                await asyncio.sleep(0.002)

    reader = asyncio.create_task(tail())
    await asyncio.gather(*(writer(w) for w in range(writers)))
    done.set()
    seen = await asyncio.wait_for(reader, 30)

    ids = [r.event_id for r in seen]
    assert len(ids) == len(set(ids)), "an event was seen twice"
    assert set(ids) == set(written), "an event was skipped"
    assert ids == await store_order(store)
    identity = [r.position.position for r in seen]
    assert any(b < a for a, b in zip(identity, identity[1:], strict=False)), (
        "no late commit happened: the test did not exercise the gap"
    )


async def test_events_refuse_update_delete_and_truncate(pg_store):
    store = pg_store
    await store.append("fixed", 0, [Noted(n=1)], meta())
    for statement in ("UPDATE events SET type = 'x'", "DELETE FROM events", "TRUNCATE events"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await store.pool.execute(statement)
    assert await _count(store) == 1


async def test_migrations_run_twice_and_from_two_connections_at_once(server_settings):
    name = f"civic_test_{unique('')}"
    url = await create_database(server_settings.database_url, name, migrated=False)
    try:
        first, second = await asyncpg.connect(url), await asyncpg.connect(url)
        try:
            applied = await asyncio.gather(migrate(first), migrate(second))
            every = [p.name for p in migration_files()]
            assert sorted(applied[0] + applied[1]) == every
            assert [] in applied
            assert await migrate(first) == []
            recorded = await first.fetch("SELECT version FROM schema_migrations ORDER BY version")
            assert [r["version"] for r in recorded] == every
        finally:
            await first.close()
            await second.close()
    finally:
        await drop_database(server_settings.database_url, name)
