"""The composition root: opens the servers' connections and wires every component."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import asyncpg

from infra import bus, db
from infra.clock import Clock, DevClock
from infra.components import Component, PeriodicJob, discover
from infra.eventstore import Position
from infra.executor import Executor
from infra.inline import InlineProjections, InlineRebuild, is_inline
from infra.migrate import migrate
from infra.postgres_store import PostgresEventStore
from infra.relay import Relay
from infra.runner import Runner, caught_up
from infra.scheduler import Scheduler
from infra.settings import Settings

log = logging.getLogger("civic")


class Civic:
    """Everything a handler needs. A plain class on purpose: Litestar passes it through
    dependency injection without trying to validate it."""

    def __init__(
        self,
        settings: Settings,
        pool: asyncpg.Pool,
        store: PostgresEventStore,
        clock: Clock,
        executor: Executor,
        components: Sequence[Component],
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.store = store
        self.clock = clock
        self.executor = executor
        self.components = components
        self.nc: Any = None
        self.relay: Relay | None = None
        self.runners: list[Runner] = []
        self.scheduler: Scheduler | None = None
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []

    @property
    def js(self) -> Any:
        return self.nc.jetstream() if self.nc is not None else None

    def projections(self) -> list[Any]:
        return [p for c in self.components for p in c.projections(self)]

    def reactors(self) -> list[Any]:
        return [r for c in self.components for r in c.reactors(self)]

    def runner_for(self, name: str) -> Runner | InlineRebuild:
        for handler in [*self.projections(), *self.reactors()]:
            if handler.name == name:
                if is_inline(handler):
                    return InlineRebuild(handler, self.store)
                return Runner(handler, self.store, self.settings)
        raise KeyError(name)

    async def caught_up(self, *, within: float = 60.0) -> Position:
        """Wait until every projection and reactor has applied everything stored (the
        workers may run in any process over this database)."""
        # inline projections have no checkpoint: they are always as far as the store
        names = [h.name for h in (*self.projections(), *self.reactors()) if not is_inline(h)]
        return await caught_up(self.pool, self.store, names, within=within)

    def start_workers(
        self, *, relay: bool = True, runners: bool = True, scheduler: bool = True,
        only: Sequence[str] | None = None, senders: bool | None = None, metrics_port: int = 0,
    ) -> None:
        """Run the relay, projection runners, scheduler and the components' workers
        (senders; with the runners unless told) as tasks of this process (and, with a
        ``metrics_port``, its ``GET /metrics``)."""
        self._stop.clear()
        if relay and self.nc is not None:
            self.relay = Relay(self.settings, self.store, self.nc)
            self.executor.on_append = self.relay.wake.set
            self._tasks.append(asyncio.create_task(self.relay.run(self._stop), name="relay"))
        if runners and self.nc is not None:
            for handler in [*self.projections(), *self.reactors()]:
                if (only and handler.name not in only) or is_inline(handler):
                    continue  # inline projections are applied by the event store
                runner = Runner(handler, self.store, self.settings)
                self.runners.append(runner)
                self._tasks.append(asyncio.create_task(runner.run(self.nc, self._stop), name=handler.name))
        if scheduler and self.scheduler is not None:
            self._tasks.append(asyncio.create_task(self.scheduler.run(self._stop), name="scheduler"))
            for job in (j for c in self.components for j in c.periodic(self)):
                self._tasks.append(asyncio.create_task(self._repeat(job), name=job.name))
        if senders if senders is not None else (relay and runners and scheduler and not only):
            for component in self.components:
                for name, worker in component.workers(self).items():
                    self._tasks.append(asyncio.create_task(worker(self._stop), name=name))
        if metrics_port:
            from infra.observability.metrics import run_metrics

            self._tasks.append(asyncio.create_task(run_metrics(
                self, self._stop, port=metrics_port, relay=relay and self.relay is not None,
                runners=[r.name for r in self.runners], timers=scheduler), name="metrics"))

    async def _repeat(self, job: PeriodicJob) -> None:
        while not self._stop.is_set():
            try:
                await job.run()
            except Exception as exc:  # noqa: BLE001 - the database may be restarting
                log.warning("%s: %s", job.name, exc)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(job.interval_s):
                    await self._stop.wait()

    async def stop_workers(self) -> None:
        self._stop.set()
        for task in self._tasks:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 10)
        self._tasks.clear()
        self.runners.clear()

    async def close(self) -> None:
        await self.stop_workers()
        if self.nc is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.nc.drain(), 5)
        await self.pool.close()


async def open_civic(settings: Settings, *, with_nats: bool = True, run_migrations: bool = True) -> Civic:
    """Connect to the configured servers (URLs must be resolved) and wire everything."""
    assert settings.database_url, "database_url is not resolved"
    pool = await db.create_pool(settings.database_url)
    if run_migrations:
        async with pool.acquire() as conn:
            await migrate(conn)
    clock: Clock = DevClock(pool) if settings.dev_clock else Clock()
    await clock.refresh()
    store = PostgresEventStore(pool)
    civic = Civic(
        settings=settings,
        pool=pool,
        store=store,
        clock=clock,
        executor=Executor(store, clock),
        components=discover(),
    )
    inline = [p for p in civic.projections() if is_inline(p)]
    store.inline = InlineProjections(inline)
    if run_migrations:
        for projection in inline:
            await InlineRebuild(projection, store).ensure_built()
    if with_nats and settings.nats_url:
        civic.nc = await bus.connect(settings.nats_url)
        await bus.ensure_stream(
            civic.nc.jetstream(), settings.stream_name, settings.subject_prefix, settings.stream_replicas
        )
    handlers: dict[str, Any] = {}
    for component in civic.components:
        handlers.update(component.timer_handlers(civic))
    civic.scheduler = Scheduler(pool, clock, handlers)
    return civic
