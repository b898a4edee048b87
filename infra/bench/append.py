"""``civic bench append``: single-event appends from concurrent writers (each the first
event of its stream, and each the next event of a stream), beside plain single-row INSERT
transactions and the ``eventsourcing`` library on the same server; and batched appends."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from infra import db
from infra.bench.figures import cpu_seconds, rate
from infra.bench.scratch import scratch
from infra.bench.workload import agency_event, in_parallel, metadata
from infra.clock import Clock
from infra.executor import Executor
from infra.postgres_store import PostgresEventStore
from infra.settings import Settings
from kernel.context import Actor
from services.agencies.commands import RegisterAgency
from services.agencies.decider import AGENCY

BATCH = 100


async def run(settings: Settings, *, count: int, writers: int) -> dict[str, Any]:
    result: dict[str, Any] = {"benchmark": "append", "events": count, "writers": writers}
    async with scratch(settings, "append") as own:
        pool = await db.create_pool(own.database_url, min_size=writers, max_size=writers)
        try:
            result["insert_ceiling_per_s"] = await _plain_inserts(pool, count, writers)
            # The hash chain's cost: the same appends with the statements of before it.
            result |= (await _with_and_without_chain(pool, _single_appends, count, writers)).figures("append")
            result |= (await _with_and_without_chain(pool, _next_appends, count, writers)).figures("append_next")
            result["command_path_per_s"] = await _commands(PostgresEventStore(pool), count, writers)
            batched = count * 5
            result["batched_events"] = batched
            result |= (await _with_and_without_chain(pool, _batched_appends, batched, writers)).figures("batched")
        finally:
            await pool.close()
        result["eventsourcing_per_s"] = await _eventsourcing(own.database_url, count, writers)
    result["append_vs_insert"] = result["append_per_s"] / result["insert_ceiling_per_s"]
    if result["eventsourcing_per_s"]:
        result["append_vs_eventsourcing"] = result["append_per_s"] / result["eventsourcing_per_s"]
    return result


class UnchainedStore(PostgresEventStore):
    """The store's appends as they were before the hash chain."""

    append_first_sql = append_next_sql = """
INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
SELECT $3::uuid, $1, $2 + 1, $4, $5, $6::jsonb, $7::jsonb, $8
WHERE coalesce((SELECT max(version) FROM events WHERE stream_id = $1), 0) = $2
RETURNING version, position, transaction_id::text::bigint AS tx, recorded_at
"""
    append_many_sql = """
INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
SELECT e.event_id, $1, $2 + e.ord, e.type, e.schema_version, e.data::jsonb, $7::jsonb, $8
FROM unnest($3::uuid[], $4::text[], $5::smallint[], $6::text[])
     WITH ORDINALITY AS e(event_id, type, schema_version, data, ord)
WHERE coalesce((SELECT max(version) FROM events WHERE stream_id = $1), 0) = $2
RETURNING version, position, transaction_id::text::bigint AS tx, recorded_at
"""


#: the chain's cost is measured in this many rounds, each appending without and with it
CHAIN_ROUNDS = 4


#: an append workload: given a store, a count and writers, does any untimed setup and
#: returns the run to time
Workload = Callable[[PostgresEventStore, int, int], Awaitable[Callable[[], Awaitable[None]]]]


@dataclasses.dataclass(frozen=True)
class ChainCost:
    unchained_per_s: float
    chained_per_s: float
    #: CPU time per event of this process and its server backends (None: a remote server)
    unchained_cpu_us: float | None
    chained_cpu_us: float | None

    def figures(self, name: str) -> dict[str, float | None]:
        cpu_ratio = (self.unchained_cpu_us / self.chained_cpu_us
                     if self.unchained_cpu_us and self.chained_cpu_us else None)
        return {f"{name}_unchained_per_s": self.unchained_per_s, f"{name}_per_s": self.chained_per_s,
                f"{name}_chained_vs_unchained": self.chained_per_s / self.unchained_per_s,
                f"{name}_unchained_cpu_us": self.unchained_cpu_us, f"{name}_cpu_us": self.chained_cpu_us,
                f"{name}_cpu_chained_vs_unchained": cpu_ratio}


async def _with_and_without_chain(pool: Any, workload: Workload, count: int, writers: int) -> ChainCost:
    """Events per second of ``workload`` without the hash chain and with it. The two take
    turns (in alternating order) over several rounds of a share of ``count`` each, so that
    the changing load of a shared machine falls on both alike. Beside each rate, the CPU
    time per event of this process and its server backends (when the server runs on this
    machine): the measure of the chain's cost that a busy machine does not move."""
    share = count // CHAIN_ROUNDS
    seconds = {False: 0.0, True: 0.0}
    cpu: dict[bool, list[float | None]] = {False: [], True: []}
    for turn in range(CHAIN_ROUNDS):
        for chained in (False, True) if turn % 2 == 0 else (True, False):
            async with contextlib.AsyncExitStack() as stack:
                if not chained:
                    await stack.enter_async_context(_chain_disabled(pool))
                run = await workload((PostgresEventStore if chained else UnchainedStore)(pool), share, writers)
                before = await cpu_seconds(pool)
                seconds[chained] += share / await rate(share, run)
                after = await cpu_seconds(pool)
            cpu[chained].append(None if before is None or after is None else after - before)
    done = share * CHAIN_ROUNDS

    def per_event_us(rounds: list[float | None]) -> float | None:
        spent = [r for r in rounds if r is not None]
        return sum(spent) / done * 1e6 if len(spent) == len(rounds) else None

    return ChainCost(done / seconds[False], done / seconds[True], per_event_us(cpu[False]), per_event_us(cpu[True]))


@contextlib.asynccontextmanager
async def _chain_disabled(pool: Any) -> AsyncIterator[None]:
    """The store as it was before the hash chain (the chain columns are then left empty)."""
    await pool.execute("ALTER TABLE events DISABLE TRIGGER events_chain;"
                       " ALTER TABLE events ALTER COLUMN hash DROP NOT NULL")
    try:
        yield
    finally:
        await pool.execute("ALTER TABLE events ENABLE TRIGGER events_chain")


async def _plain_inserts(pool: Any, count: int, writers: int) -> float:
    await pool.execute("CREATE TABLE bench_rows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                       " stream text NOT NULL, data jsonb NOT NULL)")
    payload = _payload()

    async def insert(i: int) -> None:
        await pool.execute("INSERT INTO bench_rows (stream, data) VALUES ($1, $2)", f"s-{i}", payload)

    return await rate(count, lambda: in_parallel(writers, count, insert))


def _payload() -> str:
    import msgspec

    return msgspec.json.encode(agency_event(0)).decode()


def _one_event_each(store: PostgresEventStore, run_id: str, version: int, count: int,
                    writers: int) -> Callable[[], Awaitable[None]]:
    """Append one event after ``version`` to each of ``count`` streams of this run."""
    meta = metadata()

    async def append(i: int) -> None:
        await store.append(f"agency-{run_id}-{i}", version, [agency_event(i)], meta)

    return lambda: in_parallel(writers, count, append)


async def _single_appends(store: PostgresEventStore, count: int, writers: int) -> Callable[[], Awaitable[None]]:
    return _one_event_each(store, uuid.uuid4().hex[:6], 0, count, writers)


async def _next_appends(store: PostgresEventStore, count: int, writers: int) -> Callable[[], Awaitable[None]]:
    """Single-event appends to streams that already hold an event (the first ones, which
    need no previous hash, are stored beforehand and not timed)."""
    run_id = uuid.uuid4().hex[:6]
    await _one_event_each(store, run_id, 0, count, writers)()
    return _one_event_each(store, run_id, 1, count, writers)


async def _commands(store: PostgresEventStore, count: int, writers: int) -> float:
    """The whole write path of a command: idempotency check, load, decide, append."""
    executor = Executor(store, Clock())
    admin = Actor(sub="bench", role="admin")
    run_id = uuid.uuid4().hex[:6]

    async def command(i: int) -> None:
        agency_id = f"{run_id}-{i}"
        await executor.execute(AGENCY, agency_id, RegisterAgency(
            agency_id=agency_id, name=f"Department {i}", jurisdiction="City"), admin,
            command_id=f"bench:{agency_id}")

    return await rate(count, lambda: in_parallel(writers, count, command))


async def _batched_appends(store: PostgresEventStore, count: int, writers: int) -> Callable[[], Awaitable[None]]:
    meta = metadata()
    run_id = uuid.uuid4().hex[:6]

    async def append(chunk: int) -> None:
        events = [agency_event(chunk * BATCH + j) for j in range(BATCH)]
        await store.append(f"agency-{run_id}-b{chunk}", 0, events, meta)

    return lambda: in_parallel(writers, count // BATCH, append)


# -- the eventsourcing library ----------------------------------------------------------

try:
    from eventsourcing.domain import Aggregate

    class BenchAgency(Aggregate):  # type: ignore[misc]
        """One single-event aggregate per save, as in the other measurements."""

        def __init__(self, name: str, jurisdiction: str) -> None:
            self.name = name
            self.jurisdiction = jurisdiction
except ImportError:  # the optional ``bench`` extra is not installed
    BenchAgency = None  # type: ignore[assignment,misc]


def _eventsourcing_env(url: str, writers: int) -> dict[str, str]:
    parts = urlsplit(url)
    host = parse_qs(parts.query).get("host", [parts.hostname or "127.0.0.1"])[0]
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/"),
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": str(writers),
        "POSTGRES_MAX_OVERFLOW": "0",
    }


async def _eventsourcing(url: str, count: int, writers: int) -> float | None:
    if BenchAgency is None:
        return None
    from eventsourcing.application import Application

    app = Application(env=_eventsourcing_env(url, writers))
    per_writer = [count // writers + (1 if w < count % writers else 0) for w in range(writers)]

    def work(n: int) -> None:
        for i in range(n):
            app.save(BenchAgency(name=f"Department {i}", jurisdiction="City"))

    def all_writers() -> None:
        with ThreadPoolExecutor(writers) as pool:
            list(pool.map(work, per_writer))

    try:
        return await rate(count, lambda: asyncio.to_thread(all_writers))
    finally:
        app.close()


__all__ = ["run"]
