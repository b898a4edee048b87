"""The projection runner: each projection and reactor as a durable JetStream consumer.

Exactly once, in order, with any number of runners of the same projection:
- the checkpoint row is locked by the transaction that applies a batch and moves the
  checkpoint, so appliers take turns;
- an event at or before the checkpoint is a redelivery and is skipped;
- every message names its predecessor in the global order (``Civic-Prev``); when that is
  not the checkpoint, the missing events are read from the store first.
Messages are acked only after that transaction commits. A batch of events the projection
does not read, following on from the checkpoint, moves it with one conditional UPDATE
instead. When the bus is quiet, or down, the runner also catches up from the store, so a
projection never waits on NATS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import traceback
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import asyncpg
from nats.errors import Error as NatsError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry.trace import SpanKind

from infra import personal
from infra.bus import HEADER_POSITION, HEADER_PREV, HEADER_TYPE, envelope_decoder
from infra.cancellation import raise_if_cancelled
from infra.db import UNAVAILABLE, Connection
from infra.eventstore import START, Position, RawEvent, RecordedEvent
from infra.observability import tracing
from infra.observability.metrics import RUNNER_APPLIED, RUNNER_APPLY_LATENCY
from infra.postgres_store import PostgresEventStore, checkpoint_of
from infra.settings import Settings
from kernel.errors import DomainError
from projections.base import Projection, Reactor

log = logging.getLogger("civic.runner")

#: how long one pull waits for the first message before the runner checks ``stop``
FETCH_WAIT_S = 0.25
#: how long the follow-up pull may wait for the messages the first one said are pending
MORE_WAIT_S = 0.05

_TRANSIENT: tuple[type[BaseException], ...] = (
    *UNAVAILABLE,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
)


class _BatchFailed(Exception):
    """The handler raised on a batch applied without a savepoint: the transaction is lost."""


def is_transient(exc: BaseException) -> bool:
    """Errors of the servers, not of the event: retry later instead of parking."""
    return isinstance(exc, _TRANSIENT)


class Runner:
    def __init__(
        self,
        handler: Projection | Reactor,
        store: PostgresEventStore,
        settings: Settings,
        *,
        batch_size: int = 500,
        idle_catch_up_s: float = 1.0,
    ) -> None:
        self.handler = handler
        self.name = handler.name
        self.store = store
        self.pool = store.pool
        self.settings = settings
        self.batch_size = batch_size
        self.idle_catch_up_s = idle_catch_up_s
        #: exactly one of the two is set
        self.reactor: Reactor | None = None
        self.projection: Projection | None = None
        if isinstance(handler, Reactor) and not isinstance(handler, Projection):
            self.reactor = handler
        else:
            assert isinstance(handler, Projection)
            self.projection = handler
        self.is_reactor = self.reactor is not None
        self.applied = 0
        #: event id -> the traceparent its message carried (the relay's publish span)
        self._message_parents: dict[str, str] = {}

    # -- the checkpoint transaction -------------------------------------------------

    async def _lock_checkpoint(self, conn: Connection) -> Position:
        # One round trip: the no-op update takes the row lock and returns the row.
        row = await conn.fetchrow(
            "INSERT INTO projection_checkpoints AS c (name) VALUES ($1)"
            " ON CONFLICT (name) DO UPDATE SET name = c.name"
            " RETURNING c.transaction_id::text::bigint AS tx, c.position",
            self.name,
        )
        assert row is not None  # an upsert with RETURNING always returns its row
        return Position(row["tx"], row["position"])

    async def _save_checkpoint(self, conn: Connection, cursor: Position) -> None:
        await conn.execute(
            "UPDATE projection_checkpoints SET transaction_id = $2::text::xid8, position = $3,"
            " updated_at = now() WHERE name = $1",
            self.name,
            str(cursor.transaction_id),
            cursor.position,
        )

    async def checkpoint(self) -> Position:
        return await checkpoint_of(self.pool, self.name)

    async def _read_between(self, conn: Connection, after: Position, before: Position) -> list[RawEvent]:
        """Stored events strictly between two positions: the gap a message revealed."""
        found: list[RawEvent] = []
        cursor = after
        while True:
            batch = await self.store.read_all_raw(cursor, 1000, conn=conn)
            for raw in batch:
                if raw.position >= before:
                    return found
                found.append(raw)
            if len(batch) < 1000:
                return found
            cursor = batch[-1].position

    async def _apply(self, conn: Connection, raws: Sequence[RawEvent], *, guarded: bool = True) -> None:
        """Apply what the handler reads; park what it cannot decode or apply.

        ``guarded``: inside a savepoint, so that a failing batch is retried event by event
        in the same transaction. Unguarded saves two round trips; a failure then raises
        ``_BatchFailed`` and the caller redoes the whole transaction guarded.
        """
        wanted = self.handler.types
        events: list[RecordedEvent] = []
        mine = [raw for raw in raws if wanted is None or raw.type in wanted]
        for raw in await personal.opened(personal.PostgresKeys(conn), mine):
            try:
                events.append(raw.decode())
            except Exception as exc:  # noqa: BLE001 - any decode failure parks the event
                await self._park(conn, raw.event_id, str(raw.position), raw.type, exc, raw.data)
        if not events:
            return
        spans = self._start_spans(events)
        try:
            await self._apply_decoded(conn, events, guarded=guarded)
        finally:
            for span in spans:
                span.end()

    def _start_spans(self, events: Sequence[RecordedEvent]) -> list[Any]:
        if not tracing.enabled():
            return []
        return [tracing.start_span(
            f"apply {self.name}", kind=SpanKind.CONSUMER,
            parent=self._message_parents.get(e.event_id) or e.metadata.traceparent,
            attributes={"civic.event_id": e.event_id, "civic.event_type": e.type})
            for e in events]

    async def _apply_decoded(self, conn: Connection, events: list[RecordedEvent], *,
                             guarded: bool) -> None:
        if self.reactor is not None:
            for event in events:
                try:
                    await self.reactor.react(event)
                except DomainError as exc:
                    await self._park(conn, event.event_id, str(event.position), event.type, exc, None)
            self.applied += len(events)
            RUNNER_APPLIED.labels(self.name).inc(len(events))
            return
        projection = self.projection
        assert projection is not None
        if not guarded:
            try:
                await projection.apply(conn, events)
            except Exception as exc:
                if is_transient(exc):
                    raise
                raise _BatchFailed from exc
            self.applied += len(events)
            RUNNER_APPLIED.labels(self.name).inc(len(events))
            return
        try:
            async with conn.transaction():
                await projection.apply(conn, events)
        except Exception as exc:
            if is_transient(exc):
                raise
            # Isolate the poison: apply one by one, park what fails, keep the rest.
            for event in events:
                try:
                    async with conn.transaction():
                        await projection.apply(conn, [event])
                except Exception as single:
                    if is_transient(single):
                        raise
                    await self._park(conn, event.event_id, str(event.position), event.type, single, None)
        self.applied += len(events)
        RUNNER_APPLIED.labels(self.name).inc(len(events))

    async def _park(
        self, conn: Connection, event_id: str | None, position: str | None, type_: str | None,
        exc: BaseException, payload: str | None,
    ) -> None:
        log.error("%s: parked event %s (%s): %s", self.name, event_id, type_, exc)
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:4000]
        await conn.execute(
            "INSERT INTO parked_events (projection, event_id, position, type, error, payload)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            self.name,
            _storable(event_id),
            _storable(position),
            _storable(type_),
            _storable(error),
            _storable(payload),
        )

    # -- catching up from the store ---------------------------------------------------

    async def catch_up(self, *, limit: int | None = None) -> int:
        """Apply stored events after the checkpoint until none are left; returns the count."""
        total = 0
        while limit is None or total < limit:
            try:
                count = await self._catch_up_batch(guarded=False)
            except _BatchFailed:
                count = await self._catch_up_batch(guarded=True)
            if not count:
                return total
            total += count
        return total

    async def _catch_up_batch(self, *, guarded: bool) -> int:
        started = time.perf_counter()
        async with self.pool.acquire() as conn, conn.transaction():
            cursor = await self._lock_checkpoint(conn)
            batch = await self.store.read_all_raw(cursor, self.batch_size, conn=conn)
            if batch:
                await self._apply(conn, batch, guarded=guarded)
                await self._save_checkpoint(conn, batch[-1].position)
        if batch:
            RUNNER_APPLY_LATENCY.labels(self.name).observe(time.perf_counter() - started)
        return len(batch)

    async def rebuild(self, progress: Callable[[int, int], Any] | None = None, *, batch_size: int = 5000) -> int:
        """Empty the read model and replay the whole store into it, in one transaction.

        Readers keep seeing the old model until the rebuilt one commits; live appliers
        wait on the checkpoint row and then carry on from the rebuilt checkpoint.
        """
        if self.projection is None:
            raise ValueError(f"{self.name} is a reactor; reactors are not rebuilt")
        projection = self.projection
        total_events = await self.pool.fetchval("SELECT count(*) FROM events")
        done = 0
        async with self.pool.acquire() as conn, conn.transaction():
            await self._lock_checkpoint(conn)
            tables = ", ".join(projection.tables)
            if tables:
                await conn.execute(f"TRUNCATE {tables}")
            await conn.execute("DELETE FROM parked_events WHERE projection = $1", self.name)
            cursor = START
            async for batch in self._read_ahead(batch_size):
                await self._apply(conn, batch)
                cursor = batch[-1].position
                done += len(batch)
                if progress:
                    progress(done, max(total_events, done))
            await self._save_checkpoint(conn, cursor)
        return done

    async def _read_ahead(self, batch_size: int) -> AsyncIterator[list[RawEvent]]:
        """The whole store in global order, in batches read on a connection of their own
        one batch ahead of the applier, so that reading and applying overlap."""
        queue: asyncio.Queue[list[RawEvent] | BaseException | None] = asyncio.Queue(maxsize=2)

        async def read() -> None:
            cursor = START
            try:
                while batch := await self.store.read_all_raw(cursor, batch_size):
                    await queue.put(batch)
                    cursor = batch[-1].position
                await queue.put(None)
            except Exception as exc:  # noqa: BLE001 - handed to the applier, which raises it
                await queue.put(exc)

        reader = asyncio.create_task(read())
        try:
            while (item := await queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    # -- consuming the stream -----------------------------------------------------------

    async def handle_messages(self, msgs: Sequence[Any]) -> None:
        """Apply a fetched batch in one checkpoint transaction, then ack it."""
        if await self._skip_unwanted(msgs):
            await _ack_all(msgs, self.name)
            return
        started = time.perf_counter()
        try:
            poison = await self._apply_messages(msgs, guarded=False)
        except _BatchFailed:
            poison = await self._apply_messages(msgs, guarded=True)
        RUNNER_APPLY_LATENCY.labels(self.name).observe(time.perf_counter() - started)
        for msg in msgs:
            try:
                if msg in poison:
                    await msg.term()
                else:
                    await msg.ack()
            except NatsError as exc:  # the checkpoint already covers it; a redelivery is skipped
                log.info("%s: ack failed: %s", self.name, exc)

    async def _apply_messages(self, msgs: Sequence[Any], *, guarded: bool) -> list[Any]:
        """The checkpoint transaction of a batch of messages; returns the malformed ones."""
        poison = []
        async with self.pool.acquire() as conn, conn.transaction():
            cursor = await self._lock_checkpoint(conn)
            to_apply: list[RawEvent] = []
            for msg in msgs:
                headers = msg.headers or {}
                try:
                    position = Position.parse(headers[HEADER_POSITION])
                    prev = Position.parse(headers[HEADER_PREV])
                except (KeyError, ValueError) as exc:
                    await self._park(conn, None, None, msg.subject, exc, msg.data.decode("utf-8", "replace")[:10000])
                    poison.append(msg)
                    continue
                if position <= cursor:
                    continue
                if prev != cursor:
                    to_apply.extend(await self._read_between(conn, cursor, position))
                try:
                    raw = envelope_decoder.decode(msg.data).to_raw()
                except Exception as exc:  # noqa: BLE001
                    await self._park(conn, headers.get("Nats-Msg-Id"), str(position), None, exc, msg.data.decode("utf-8", "replace")[:10000])
                    cursor = position
                    continue
                to_apply.append(raw)
                if "traceparent" in headers:
                    self._message_parents[raw.event_id] = headers["traceparent"]
                cursor = position
            try:
                await self._apply(conn, to_apply, guarded=guarded)
            finally:
                self._message_parents.clear()
            await self._save_checkpoint(conn, cursor)
        return poison

    async def _skip_unwanted(self, msgs: Sequence[Any]) -> bool:
        """Move the checkpoint over a batch of events this projection does not read, in
        one statement instead of a transaction; ``False`` when that is not certain to be
        right (a wanted or unreadable message, a gap, a checkpoint elsewhere)."""
        wanted = self.handler.types
        if wanted is None:
            return False
        try:
            headers = [m.headers for m in msgs]
            if any(h.get(HEADER_TYPE) in wanted or HEADER_TYPE not in h for h in headers):
                return False
            chain = [Position.parse(h[HEADER_PREV]) for h in headers[:1]]
            chain += [Position.parse(h[HEADER_POSITION]) for h in headers]
        except (AttributeError, KeyError, TypeError, ValueError):
            return False
        if any(Position.parse(h[HEADER_PREV]) != chain[i] for i, h in enumerate(headers)):
            return False
        first, last = chain[0], chain[-1]
        moved = await self.pool.execute(
            "UPDATE projection_checkpoints SET transaction_id = $4::text::xid8, position = $5,"
            " updated_at = now() WHERE name = $1 AND transaction_id = $2::text::xid8 AND position = $3",
            self.name, str(first.transaction_id), first.position, str(last.transaction_id), last.position,
        )
        return moved == "UPDATE 1"

    async def run(self, nc: Any, stop: asyncio.Event) -> None:
        """Consume until ``stop`` is set; survives database and NATS outages."""
        js = nc.jetstream()
        sub = None
        try:
            while not stop.is_set():
                raise_if_cancelled()
                try:
                    await self.catch_up()
                    if sub is None:
                        sub = await self._subscribe(js)
                    await self._consume(sub, stop)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - keep running through outages
                    if not (is_transient(exc) or isinstance(exc, NatsError)):
                        log.exception("%s: unexpected error", self.name)
                    else:
                        log.warning("%s: %s; retrying", self.name, exc)
                    await _unsubscribe(sub)
                    sub = None
                    await _sleep_or_stop(stop, 1.0)
        finally:
            # A pull subscription left behind would hold up draining the connection.
            await _unsubscribe(sub)

    async def _subscribe(self, js: Any) -> Any:
        # NEW is enough: whatever was published before the consumer existed is either
        # already applied by the catch-up above, or revealed as a gap by the first
        # message's Civic-Prev and read from the store.
        return await js.pull_subscribe(
            f"{self.settings.subject_prefix}.>",
            durable=self.durable_name,
            stream=self.settings.stream_name,
            config=ConsumerConfig(
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.NEW,
                ack_wait=30,
                max_ack_pending=20000,
                max_deliver=-1,
            ),
        )

    @property
    def durable_name(self) -> str:
        return self.name.replace(".", "_")

    async def _consume(self, sub: Any, stop: asyncio.Event) -> None:
        idle = 0.0
        while not stop.is_set():
            raise_if_cancelled()
            msgs = await self._next_batch(sub)
            if not msgs:
                idle += FETCH_WAIT_S
                if idle >= self.idle_catch_up_s:
                    idle = 0.0
                    await self.catch_up()
                continue
            idle = 0.0
            await self.handle_messages(msgs)

    async def _next_batch(self, sub: Any) -> list[Any]:
        """Whatever is available now, as soon as one message is.

        nats-py's ``fetch(n)`` waits for all ``n`` messages (or its timeout) once the
        first has arrived, which would add the whole timeout to the latency of a quiet
        stream. So: wait for one message; it says how many more are pending for this
        consumer, and only those are fetched.
        """
        try:
            first = await sub.fetch(1, timeout=FETCH_WAIT_S)
        except (TimeoutError, NatsTimeoutError):
            return []
        try:
            pending = first[-1].metadata.num_pending
        except Exception:  # noqa: BLE001 - no JetStream metadata: ask anyway
            pending = self.batch_size
        wanted = min(self.batch_size - 1, pending)
        if wanted <= 0:
            return first
        try:
            more = await sub.fetch(wanted, timeout=MORE_WAIT_S)
        except (TimeoutError, NatsTimeoutError):
            more = []
        return [*first, *more]


async def _ack_all(msgs: Sequence[Any], name: str) -> None:
    for msg in msgs:
        try:
            await msg.ack()
        except NatsError as exc:  # the checkpoint already covers it; a redelivery is skipped
            log.info("%s: ack failed: %s", name, exc)


def _storable(text: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL; a malformed message may contain any byte."""
    return text.replace("\x00", "\\x00") if text is not None else None


async def _unsubscribe(sub: Any) -> None:
    if sub is not None:
        with contextlib.suppress(Exception):
            await sub.unsubscribe()
    return None


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation.
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await stop.wait()


async def caught_up(pool: asyncpg.Pool, store: PostgresEventStore, names: Sequence[str], *,
                    within: float = 60.0) -> Position:
    """Wait until every named runner's checkpoint has reached the store's head, and the
    head has stopped moving (a reactor's command appends more events); returns the head.

    Read models are then consistent with every event stored before the call: what a test
    or a tool reads next is complete, without polling for an expected count.
    """
    async with asyncio.timeout(within):
        while True:
            head = await store.head()
            at = [await checkpoint_of(pool, name) for name in names]
            if all(position >= head for position in at) and await store.head() == head:
                return head
            await asyncio.sleep(0.02)
