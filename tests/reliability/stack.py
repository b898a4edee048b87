"""A whole marketplace as separate processes (API, relay, projection runners) over a
database and stream of its own, and the checks that follow a run on it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nats

from infra import bus
from infra.container import open_civic
from infra.inline import is_inline
from infra.settings import Settings
from tests.reliability import processes
from tests.reliability.consistency import (
    command_effects,
    compare_with_rebuild,
    parked,
    wait_caught_up,
)
from tests.reliability.servers import OwnPostgres
from tests.support import isolated_settings, unique


@dataclass
class Stack:
    settings: Settings
    apis: list[processes.CivicProcess] = field(default_factory=list)
    relays: list[processes.CivicProcess] = field(default_factory=list)
    projectors: list[processes.CivicProcess] = field(default_factory=list)

    @property
    def all(self) -> list[processes.CivicProcess]:
        return [*self.apis, *self.relays, *self.projectors]

    @property
    def base_urls(self) -> list[str]:
        return [api.base_url for api in self.apis]

    def start(self) -> None:
        for process in self.all:
            process.start()

    def restart_dead(self) -> None:
        for process in self.all:
            if not process.running:
                process.start()


@contextlib.asynccontextmanager
async def own_stack(server_settings: Settings, data_dir: Path, *, nats_url: str, apis: int = 1,
                    relays: int = 1, projectors: int = 1, **changes: Any) -> AsyncIterator[Stack]:
    """Processes over a PostgreSQL server of the stack's own (each process holds a pool of
    connections: several of them must not crowd the shared server) and the given NATS."""
    postgres = await asyncio.to_thread(OwnPostgres)
    await asyncio.to_thread(postgres.start)
    tag = unique("")
    settings = isolated_settings(server_settings.with_(nats_url=nats_url), postgres.url, tag).with_(
        data_dir=data_dir, **changes)
    stack = Stack(
        settings,
        apis=[processes.api(settings, name=f"api{i}") for i in range(apis)],
        relays=[processes.relay(settings, name=f"relay{i}") for i in range(relays)],
        projectors=[processes.projector(settings, name=f"project{i}") for i in range(projectors)],
    )
    try:
        yield stack
    finally:
        for process in stack.all:
            process.stop()
        await asyncio.to_thread(postgres.remove)


async def stream_count(url: str, stream: str) -> int:
    nc = await nats.connect(bus.servers(url))
    try:
        return (await nc.jetstream().stream_info(stream)).state.messages
    finally:
        await nc.close()


async def settle_and_compare(stack: Stack, *, nats_url: str, accepted_keys: Sequence[str] = (),
                             extra_messages: int | None = 0, max_wait: float = 180) -> dict[str, Any]:
    """Wait until every runner has applied the whole store and the stream holds every
    event; stop the workers; compare each read model with a rebuild and look up the
    events of every accepted command."""
    civic = await open_civic(stack.settings, with_nats=False)
    try:
        await wait_caught_up(civic, max_wait=max_wait)
        events = await civic.pool.fetchval("SELECT count(*) FROM events")
        in_stream = await stream_count(nats_url, stack.settings.stream_name)
        # The relay may still be publishing its last batch (None: do not wait for it).
        for _ in range(int(max_wait * 5) if extra_messages is not None else 0):
            if in_stream >= events + extra_messages:
                break
            await asyncio.sleep(0.2)
            in_stream = await stream_count(nats_url, stack.settings.stream_name)
        for process in [*stack.relays, *stack.projectors]:
            process.stop()
        missing, doubled = await command_effects(civic, accepted_keys)
        parked_live = await parked(civic)  # before the rebuild, which clears them
        rebuild = await compare_with_rebuild(civic)
        # the handlers that read the stream (inline projections are applied in the append)
        runners = [h.name for h in (*civic.projections(), *civic.reactors()) if not is_inline(h)]
        return {
            "runners": len(runners),
            "events": events,
            "in_stream": in_stream,
            "parked": parked_live,
            "accepted_missing": missing,
            "accepted_twice": doubled,
            "read_models": rebuild,
            "differences": sum(r["differences"] for r in rebuild.values()),
        }
    finally:
        await civic.close()


async def wait_for_consumers(stack: Stack, url: str, *, max_wait: float = 60) -> int:
    """Until every runner of the stack has its durable consumer on the stream (messages
    published before that are not delivered to it; it reads them from the store)."""
    from types import SimpleNamespace

    from infra.components import discover
    from infra.inline import is_inline

    wiring = SimpleNamespace(settings=stack.settings)  # enough to name the handlers
    # inline projections have no runner: the event store applies them
    wanted = sum(len([p for p in c.projections(wiring) if not is_inline(p)]) + len(c.reactors(wiring))  # type: ignore[arg-type]
                 for c in discover())
    nc = await nats.connect(bus.servers(url))
    try:
        for _ in range(int(max_wait * 5)):
            with contextlib.suppress(Exception):
                found = len(await nc.jetstream().consumers_info(stack.settings.stream_name))
                if found >= wanted:
                    return found
            await asyncio.sleep(0.2)
    finally:
        await nc.close()
    raise AssertionError(f"fewer than {wanted} consumers on the stream after {max_wait}s")
