"""The marketplace's Prometheus metrics (names and labels: docs/operations.md, "Metrics").

Counters and histograms are updated where the work happens (HTTP middleware, executor,
event store, relay, runner). Gauges that describe the state of the store (relay and
runner lag, parked events, timers, outboxes, the pool) are sampled every few seconds by
``Sampler``, so a scrape never waits on the database. Every process keeps its own
registry: the API serves ``GET /metrics``; ``civic relay|project|scheduler`` serve it on
``CIVIC_METRICS_PORT``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from infra.outboxes import measure

if TYPE_CHECKING:
    from infra.container import Civic

log = logging.getLogger("civic.metrics")

_FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter("civic_http_requests", "HTTP requests answered",
                        ["method", "route", "status"])
HTTP_LATENCY = Histogram("civic_http_request_duration_seconds", "HTTP request latency",
                         ["method", "route", "status"], buckets=_FAST)
COMMANDS = Counter("civic_commands", "Commands executed", ["kind", "outcome"])
APPEND_LATENCY = Histogram("civic_append_duration_seconds", "Event store append latency", buckets=_FAST)
EVENTS_APPENDED = Counter("civic_events_appended", "Events appended to the store")
RELAY_PUBLISHED = Counter("civic_relay_published_events", "Events the relay published to JetStream")
RELAY_LAG = Gauge("civic_relay_lag_events", "Events committed but not yet published")
RUNNER_APPLIED = Counter("civic_runner_applied_events", "Events applied", ["projection"])
RUNNER_APPLY_LATENCY = Histogram("civic_runner_apply_duration_seconds",
                                 "Time to apply one batch and move the checkpoint", ["projection"],
                                 buckets=_FAST)
RUNNER_LAG = Gauge("civic_runner_lag_events", "Events stored after the checkpoint", ["projection"])
RUNNER_LAG_SECONDS = Gauge("civic_runner_lag_seconds",
                           "Age of the oldest event not yet applied", ["projection"])
PARKED = Gauge("civic_parked_events", "Parked (poison) events", ["projection"])
TIMERS_DUE = Gauge("civic_timers_due", "Timers due and not fired")
TIMERS_OVERDUE = Gauge("civic_timers_overdue", "Timers due for more than a minute and not fired")
OUTBOX_DEPTH = Gauge("civic_outbox_depth", "Messages waiting in an outbox", ["outbox"])
OUTBOX_AGE = Gauge("civic_outbox_oldest_age_seconds", "Age of the oldest waiting message", ["outbox"])
POOL = Gauge("civic_db_pool_connections", "Database pool connections", ["state"])


def command_outcome(exc: BaseException | None, *, duplicate: bool = False, appended: bool = True) -> str:
    """The ``outcome`` label of a command: ok, duplicate, unchanged, or the error's code."""
    if exc is None:
        return "duplicate" if duplicate else "ok" if appended else "unchanged"
    from kernel.errors import DomainError

    if isinstance(exc, DomainError):
        return type(exc).__name__.lower()
    return "error"


def exposition() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST


def authorised(token: str | None, header: str | None, client_host: str | None) -> bool:
    """With a metrics token, only its bearer; without one, only loopback clients."""
    if token:
        return header is not None and hmac.compare_digest(header.encode(), f"Bearer {token}".encode())
    return client_host in {"127.0.0.1", "::1", "localhost"}


class Sampler:
    """Refreshes the gauges of what this process runs, every ``interval_s``."""

    def __init__(self, civic: Civic, *, relay: bool, runners: Sequence[str], timers: bool,
                 interval_s: float = 5.0) -> None:
        self.civic = civic
        self.relay = relay
        self.runners = list(runners)
        self.timers = timers
        self.interval_s = interval_s

    async def sample(self) -> None:
        civic = self.civic
        pool = civic.pool
        POOL.labels("in_use").set(pool.get_size() - pool.get_idle_size())
        POOL.labels("idle").set(pool.get_idle_size())
        POOL.labels("max").set(pool.get_max_size())
        async with pool.acquire() as conn:
            if self.relay:
                row = await conn.fetchrow(
                    "SELECT transaction_id::text AS tx, position FROM relay_checkpoint WHERE name = $1",
                    civic.settings.stream_name)
                RELAY_LAG.set(await _count_after(conn, row))
            if self.runners:
                rows = await conn.fetch(
                    "SELECT c.name, c.transaction_id::text AS tx, c.position,"
                    " (SELECT count(*) FROM parked_events p WHERE p.projection = c.name) AS parked"
                    " FROM projection_checkpoints c WHERE c.name = ANY($1)", self.runners)
                seen = {r["name"]: r for r in rows}
                for name in self.runners:
                    row = seen.get(name)
                    RUNNER_LAG.labels(name).set(await _count_after(conn, row))
                    RUNNER_LAG_SECONDS.labels(name).set(await _oldest_after(conn, row))
                    PARKED.labels(name).set(row["parked"] if row else 0)
            if self.timers:
                now = civic.clock.now()
                row = await conn.fetchrow(
                    "SELECT count(*) AS due, count(*) FILTER (WHERE due_at < $1::timestamptz - interval '1 minute')"
                    " AS overdue FROM timers WHERE fired_at IS NULL AND due_at <= $1 AND attempts < 20", now)
                TIMERS_DUE.set(row["due"] if row else 0)
                TIMERS_OVERDUE.set(row["overdue"] if row else 0)
                for component in civic.components:
                    for outbox in component.outboxes:
                        figures = await measure(conn, outbox, now)
                        OUTBOX_DEPTH.labels(outbox.name).set(figures.depth)
                        OUTBOX_AGE.labels(outbox.name).set(figures.age_s)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.sample()
            except Exception as exc:  # noqa: BLE001 - the database may be restarting
                log.info("metrics: sampling failed (%s)", exc)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval_s):
                    await stop.wait()


async def _count_after(conn: Any, row: Any) -> int:
    if row is None:
        return await conn.fetchval("SELECT count(*) FROM events")
    return await conn.fetchval(
        "SELECT count(*) FROM events WHERE (transaction_id, position) > ($1::text::xid8, $2)",
        row["tx"], row["position"])


async def _oldest_after(conn: Any, row: Any) -> float:
    tx, position = (row["tx"], row["position"]) if row else ("0", 0)
    age = await conn.fetchval(
        "SELECT extract(epoch FROM clock_timestamp() - recorded_at) FROM events"
        " WHERE (transaction_id, position) > ($1::text::xid8, $2)"
        " AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
        " ORDER BY transaction_id, position LIMIT 1", tx, position)
    return float(age or 0.0)


async def serve(host: str, port: int, token: str | None, stop: asyncio.Event) -> None:
    """``GET /metrics`` for a worker process, on its own port, until ``stop``."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(5):
                request = await reader.readuntil(b"\r\n\r\n")
            lines = request.decode("latin-1").split("\r\n")
            method, path, *_ = lines[0].split(" ") + ["", ""]
            headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            auth = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
            peer = writer.get_extra_info("peername")
            if method != "GET" or path.split("?")[0] != "/metrics":
                status, body, kind = "404 Not Found", b"not found\n", "text/plain"
            elif not authorised(token, auth, peer[0] if peer else None):
                status, body, kind = "403 Forbidden", b"forbidden\n", "text/plain"
            else:
                body, kind = exposition()
                status = "200 OK"
            writer.write(f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}"
                         "\r\nConnection: close\r\n\r\n".encode() + body)
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, host, port)
    log.info("metrics on http://%s:%s/metrics", host, port)
    async with server:
        await stop.wait()


async def run_metrics(civic: Civic, stop: asyncio.Event, *, port: int, relay: bool,
                      runners: Sequence[str], timers: bool) -> None:
    """Sample the gauges and serve ``GET /metrics`` on ``port`` until ``stop``."""
    settings = civic.settings
    sampler = asyncio.create_task(Sampler(civic, relay=relay, runners=runners, timers=timers).run(stop))
    try:
        await serve(settings.metrics_host, port, settings.metrics_token, stop)
    except OSError as exc:  # the port is taken: run without metrics rather than not at all
        log.warning("metrics: cannot listen on %s:%s (%s)", settings.metrics_host, port, exc)
        await stop.wait()
    finally:
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
