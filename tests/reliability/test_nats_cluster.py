"""The deployed 3-node JetStream cluster (infra/deploy/nats) on loopback, the event stream
with 3 replicas: the node
leading the stream is SIGKILLed mid-load, and still no event is lost or repeated on the
stream and the projections end complete (equal to a rebuild from the store)."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import nats

from infra import bus
from tests.reliability.servers import OwnNats
from tests.reliability.stack import own_stack, settle_and_compare, stream_count
from tests.reliability.workload import run_workload


async def _stream_ready(url: str, settings) -> None:
    """Create the replicated stream once the cluster has elected its JetStream leader."""
    for _ in range(100):
        nc = await nats.connect(bus.servers(url))
        try:
            await bus.ensure_stream(nc.jetstream(), settings.stream_name, settings.subject_prefix, 3)
            return
        except Exception:  # noqa: BLE001 - no meta leader yet
            await asyncio.sleep(0.2)
        finally:
            await nc.close()
    raise AssertionError("the JetStream cluster never became ready")


async def _stream_leader(url: str, stream: str) -> str:
    """The node leading the stream, once one is elected (after a loss it takes a moment)."""
    for _ in range(150):
        nc = await nats.connect(bus.servers(url))
        try:
            info = await nc.jetstream().stream_info(stream)
            assert info.config.num_replicas == 3
            if info.cluster and info.cluster.leader:
                return info.cluster.leader
        except nats.errors.TimeoutError:
            pass
        finally:
            await nc.close()
        await asyncio.sleep(0.2)
    raise AssertionError("the stream has no leader")


async def _workers_flowing(settings, url: str) -> int:
    """Until the relay has published and the runners have applied something (the kill
    must hit running workers, not workers still connecting); the events stored by then."""
    conn = await asyncpg.connect(settings.database_url)
    try:
        for _ in range(300):
            applied = await conn.fetchval("SELECT count(*) FROM projection_checkpoints WHERE position > 0")
            if applied and await stream_count(url, settings.stream_name) > 0:
                return await conn.fetchval("SELECT count(*) FROM events")
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    raise AssertionError("the relay and the runners never got going")


async def test_losing_the_stream_leader_mid_load_loses_no_event(server_settings, tmp_path):
    cluster = OwnNats(cluster=True)
    cluster.start()
    try:
        async with own_stack(server_settings, tmp_path, nats_url=cluster.urls, stream_replicas=3) as stack:
            await _stream_ready(cluster.url, stack.settings)
            stack.start()
            load = asyncio.create_task(run_workload(stack.base_urls, stack.settings, commands=400,
                                                    lanes=8, seed=5, max_seconds=180))
            events_at_kill = await _workers_flowing(stack.settings, cluster.url)
            leader = await _stream_leader(cluster.url, stack.settings.stream_name)
            victim = next(node for node in cluster.nodes if node.name == leader)
            victim.kill()
            totals = await load
            survivor = cluster.url_of(next(node for node in cluster.nodes if node is not victim))
            new_leader = await _stream_leader(survivor, stack.settings.stream_name)
            after = await settle_and_compare(stack, nats_url=survivor,
                                             accepted_keys=[o.key for o in totals.accepted])
    finally:
        cluster.remove()
    figures = {**totals.figures(), **after, "killed": leader, "events_at_kill": events_at_kill,
               "new_leader": new_leader}
    print("nats cluster:", json.dumps(figures, sort_keys=True))
    assert not totals.server_errors and figures["unanswered"] == 0
    assert new_leader != leader
    assert 0 < events_at_kill < after["events"], "the node died mid-load"
    assert after["in_stream"] == after["events"], "every stored event is on the stream exactly once"
    assert not after["accepted_missing"] and not after["accepted_twice"]
    assert after["differences"] == 0 and after["parked"] == 0, after["read_models"]
