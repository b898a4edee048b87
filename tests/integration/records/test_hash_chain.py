"""The hash chain over every event: computed at append, verified by walking the chains,
and a change made directly in PostgreSQL is named by verification."""

from __future__ import annotations

from infra import cli
from infra.container import open_civic
from kernel.context import Actor
from services.agencies.commands import RegisterAgency, SetGoals
from services.agencies.decider import AGENCY
from services.records import chain_cli
from services.records.chain import take_checkpoint, verify
from tests.integration.infra.support import all_visible

ADMIN = Actor(sub="admin-1", role="admin")


async def _tamper(pool, stream_id: str, version: int, sql_set: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("ALTER TABLE events DISABLE TRIGGER events_no_update")
        await conn.execute(f"UPDATE events SET {sql_set} WHERE stream_id = $1 AND version = $2",
                           stream_id, version)
        await conn.execute("ALTER TABLE events ENABLE TRIGGER events_no_update")


async def test_each_event_links_to_the_previous_of_its_stream(isolated):
    civic = await open_civic(await isolated(), with_nats=False)
    try:
        await civic.executor.execute(AGENCY, "ag-1", RegisterAgency(
            agency_id="ag-1", name="Parks", jurisdiction="City"), ADMIN)
        await civic.executor.execute(AGENCY, "ag-1", SetGoals(goals=[]), ADMIN)
        rows = await civic.pool.fetch(
            "SELECT version, prev_hash, hash FROM events WHERE stream_id = 'agency-ag-1' ORDER BY version")
        assert [r["version"] for r in rows] == [1, 2]
        assert rows[0]["prev_hash"] is None and len(rows[0]["hash"]) == 32
        assert rows[1]["prev_hash"] == rows[0]["hash"] != rows[1]["hash"]
        async with civic.pool.acquire() as conn:
            report = await verify(conn)
        assert report.valid and report.events == 2
    finally:
        await civic.close()


async def test_verification_names_the_event_altered_in_postgresql(isolated):
    settings = await isolated()
    civic = await open_civic(settings, with_nats=False)
    try:
        for i in range(3):
            await civic.executor.execute(AGENCY, f"ag-{i}", RegisterAgency(
                agency_id=f"ag-{i}", name="Parks", jurisdiction="City"), ADMIN)
            await civic.executor.execute(AGENCY, f"ag-{i}", SetGoals(goals=[]), ADMIN)
        await all_visible(civic.store, 6)
        assert await take_checkpoint(civic.pool) == 6
        assert await take_checkpoint(civic.pool) == 0  # nothing new to seal
        target = await civic.pool.fetchval(
            "SELECT event_id::text FROM events WHERE stream_id = 'agency-ag-1' AND version = 1")

        await _tamper(civic.pool, "agency-ag-1", 1, "data = jsonb_set(data, '{name}', '\"Forged\"')")

        async with civic.pool.acquire() as conn:
            report = await verify(conn)
            one = await verify(conn, "agency-ag-1")
            other = await verify(conn, "agency-ag-2")
        assert not report.valid
        assert report.first_broken is not None and report.first_broken.event_id == target
        assert report.first_broken.reason == "its content does not match its hash"
        assert one.first_broken is not None and one.first_broken.event_id == target
        assert other.valid

        # Recomputing the forged event's own hash moves the break to the next event's link.
        await _tamper(civic.pool, "agency-ag-1", 1, "hash = event_hash(prev_hash, event_id, stream_id,"
                      " version, type, schema_version, data, metadata, occurred_at, recorded_at)")
        async with civic.pool.acquire() as conn:
            report = await verify(conn, "agency-ag-1")
        assert report.first_broken is not None and report.first_broken.version == 2
        assert report.first_broken.reason == "it does not link to the previous event of its stream"
        # ... and the checkpoint that sealed the original hash no longer matches.
        async with civic.pool.acquire() as conn:
            report = await verify(conn)
        assert report.first_broken_checkpoint is not None and report.first_broken_checkpoint.seq == 1
        assert report.first_broken_checkpoint.reason == "the events it sealed no longer match it"

        # The command line says the same and exits 1.
        args = cli.build_parser().parse_args(["verify", "--stream", "agency-ag-1"])
        assert await chain_cli.run(args, settings) == 1
        args = cli.build_parser().parse_args(["verify", "--stream", "agency-ag-2"])
        assert await chain_cli.run(args, settings) == 0
    finally:
        await civic.close()


async def test_a_batch_chains_its_own_events_and_a_direct_insert_is_chained_by_the_trigger(isolated):
    from infra.bench.workload import agency_event, metadata

    civic = await open_civic(await isolated(), with_nats=False)
    try:
        await civic.store.append("agency-batch", 0, [agency_event(0)], metadata())
        await civic.store.append("agency-batch", 1, [agency_event(i) for i in range(1, 4)], metadata())
        await civic.pool.execute(
            "INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata,"
            " occurred_at) VALUES (gen_random_uuid(), 'agency-batch', 5, 'future.Thing.v1', 1, $1, $2, now())",
            '{"type": "future.Thing.v1"}', '{"occurred_at": "2030-01-01T00:00:00Z"}')
        rows = await civic.pool.fetch(
            "SELECT prev_hash, hash FROM events WHERE stream_id = 'agency-batch' ORDER BY version")
        assert len(rows) == 5 and rows[0]["prev_hash"] is None
        assert all(rows[i]["prev_hash"] == rows[i - 1]["hash"] for i in range(1, 5))
        async with civic.pool.acquire() as conn:
            report = await verify(conn, "agency-batch")
        assert report.valid and report.events == 5, report
    finally:
        await civic.close()


def _awkward_agency(i: int):
    """Content that exercises every part of the stored text a hash covers: escapes,
    control characters, non-ASCII, floats jsonb writes differently from how they were
    sent, nested lists, keys of every length."""
    from events.agencies import AgencyRegistered, DiversityGoal

    return AgencyRegistered(
        agency_id=f"ag-{i}", name=f'Dept. "Öffentliche" Bauten\n\t\\ {i} – 東京 \x01 \U0001f3db',
        jurisdiction="" if i % 2 else "Ville de Québec",
        goals=[DiversityGoal(program="mbe", percent=1e-07), DiversityGoal(program="wbe", percent=1e16 + i)],
        late_interest_annual_rate=0.1 + 0.2, local_zip_prefixes=["0", "/", "\u2028"][: i % 4])


_FIRST_DEFINITION_DIFFERS = """
SELECT count(*) FROM events WHERE stream_id = $1 AND hash <> sha256(convert_to(concat_ws(E'\\n',
    coalesce(encode(prev_hash, 'hex'), ''), event_id, stream_id, version, type, schema_version, data, metadata,
    (extract(epoch FROM occurred_at) * 1000000)::bigint, (extract(epoch FROM recorded_at) * 1000000)::bigint), 'UTF8'))
"""


async def test_batches_of_any_content_chain_as_verification_and_an_offline_reader_recompute(isolated):
    """The batched append computes the hash in its own way (the content of each event
    set-based, then the links): what it stores is exactly ``event_hash`` of the stored row,
    and exactly what a reader of a records bundle recomputes without the database."""
    from infra.bench.workload import metadata
    from services.records.bundle import event_hash, stream_lines

    civic = await open_civic(await isolated(), with_nats=False)
    try:
        store = civic.store
        await store.append("agency-awkward", 0, [_awkward_agency(0)], metadata())  # one: the single append
        await store.append("agency-awkward", 1, [_awkward_agency(i) for i in range(1, 8)], metadata())
        await store.append("agency-awkward", 8, [_awkward_agency(i) for i in range(8, 10)], metadata())
        await store.append("agency-awkward", 10, [_awkward_agency(10)], metadata())
        await store.append("agency-large", 0, [_awkward_agency(i) for i in range(1500)], metadata())

        async with civic.pool.acquire() as conn:
            for stream, count in (("agency-awkward", 11), ("agency-large", 1500)):
                report = await verify(conn, stream)
                assert report.valid and report.events == count, report
                lines = await stream_lines(conn, stream)
                assert [line["version"] for line in lines] == list(range(1, count + 1))
                assert lines[0]["prev_hash"] is None
                assert all(b["prev_hash"] == a["hash"] for a, b in zip(lines, lines[1:], strict=False))
                assert all(event_hash(line) == line["hash"] for line in lines)
                # and exactly the bytes of the first definition (migration 1100), so hashes
                # stored before a cheaper way of computing them still verify
                assert await conn.fetchval(_FIRST_DEFINITION_DIFFERS, stream) == 0
            recorded = await conn.fetch(
                "SELECT recorded_at FROM events WHERE stream_id = 'agency-awkward' ORDER BY version")
        # the events of one batch share its metadata and its time, which their hashes cover
        assert len({r["recorded_at"] for r in recorded[1:8]}) == 1
    finally:
        await civic.close()


async def test_concurrent_appends_to_one_stream_leave_one_unbroken_chain(isolated):
    """Writers racing on one stream (single events and batches, each after whatever is
    there): every version is stored once, each linked to the one before it, and a
    checkpoint taken meanwhile seals them."""
    import asyncio

    from infra.bench.workload import agency_event, metadata

    civic = await open_civic(await isolated(), with_nats=False)
    try:
        store = civic.store

        async def writer(w: int) -> None:
            for k in range(6):
                size = 1 if (w + k) % 2 else 5
                await store.append("agency-raced", None,
                                   [agency_event(100 * w + 10 * k + j) for j in range(size)], metadata())
                if k == 2:
                    await take_checkpoint(civic.pool)

        await asyncio.gather(*(writer(w) for w in range(4)))
        total = await civic.pool.fetchval("SELECT count(*) FROM events WHERE stream_id = 'agency-raced'")
        assert total == 4 * (3 * 1 + 3 * 5)
        await all_visible(civic.store, total)
        await take_checkpoint(civic.pool)
        async with civic.pool.acquire() as conn:
            report = await verify(conn)
        assert report.valid and report.events == total, report
        assert report.checkpoints >= 1 and report.first_broken_checkpoint is None
        assert await civic.pool.fetchval("SELECT sum(events) FROM event_checkpoints") == total
    finally:
        await civic.close()
