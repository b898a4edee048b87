"""The relay: publishes committed events from the store to JetStream, in global order.

- Only committed events are read (the store's reader stops below running transactions).
- ``Nats-Msg-Id`` is the event id, so a re-publish after a crash is dropped by the server.
- ``Civic-Prev`` names the previous event in the global order, so a consumer can tell a
  gap and fill it from the store.
- ``Nats-Expected-Last-Msg-Id`` names the previous event's id, so the stream refuses a
  message that would land after a hole (a publish lost in a broken connection while
  later ones of the same pipelined batch got through): the stream never holds events
  out of order. The server checks duplicates first, so a re-published event is still
  acknowledged as a duplicate.
- It resumes after the last event in the stream itself (not a local checkpoint), so a
  crash at any point neither loses nor repeats an event, however long it was down.
- One relay publishes at a time: it holds a PostgreSQL advisory lock on a connection of
  its own; a second relay waits for it, and takes over if the first one dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import zlib

import asyncpg
import msgspec
from nats.aio.client import Client as NATS
from nats.errors import Error as NatsError
from nats.js.errors import APIError, NotFoundError
from opentelemetry.trace import SpanKind

from infra.bus import (
    HEADER_POSITION,
    HEADER_PREV,
    HEADER_TYPE,
    Publisher,
    ensure_stream,
    envelope_of,
    subject_for,
)
from infra.cancellation import raise_if_cancelled
from infra.db import Connection
from infra.eventstore import START, Position, RawEvent
from infra.observability import tracing
from infra.observability.metrics import RELAY_PUBLISHED
from infra.postgres_store import PostgresEventStore
from infra.settings import Settings

log = logging.getLogger("civic.relay")

PUBLISH_TIMEOUT_S = 10.0
CHECKPOINT_EVERY_S = 1.0


def _lock_key(stream_name: str) -> int:
    return zlib.crc32(f"civic-relay:{stream_name}".encode())


class Relay:
    def __init__(
        self,
        settings: Settings,
        store: PostgresEventStore,
        nc: NATS,
        *,
        batch_size: int = 2000,
        idle_wait_s: float = 0.05,
        publish_timeout_s: float = PUBLISH_TIMEOUT_S,
        lock_retry_s: float = 1.0,
    ) -> None:
        self.settings = settings
        self.store = store
        self.nc = nc
        self.js = nc.jetstream()
        self.publisher = Publisher(nc)
        self.batch_size = batch_size
        self.idle_wait_s = idle_wait_s
        self.publish_timeout_s = publish_timeout_s
        self.lock_retry_s = lock_retry_s
        self.wake = asyncio.Event()
        self.published = 0
        self.active = False

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until ``stop`` is set, waiting for the leadership lock first."""
        try:
            await self._run(stop)
        finally:
            await self.publisher.close()

    async def _run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            raise_if_cancelled()
            try:
                lock_conn = await self._acquire_lock(stop)
                if lock_conn is None:
                    return
                try:
                    await self._publish_loop(stop, lock_conn)
                finally:
                    self.active = False
                    await _close_quietly(lock_conn)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("relay: database unavailable (%s); retrying", exc)
                await _sleep_or_stop(stop, 1.0)
            except (TimeoutError, NatsError) as exc:
                log.warning("relay: NATS unavailable (%s); retrying", exc)
                await _sleep_or_stop(stop, 0.5)

    async def _acquire_lock(self, stop: asyncio.Event) -> Connection | None:
        key = _lock_key(self.settings.stream_name)
        while not stop.is_set():
            raise_if_cancelled()
            conn = await asyncpg.connect(self.settings.database_url)
            try:
                if await conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
                    self.active = True
                    return conn
            except BaseException:
                await _close_quietly(conn)
                raise
            await _close_quietly(conn)
            await _sleep_or_stop(stop, self.lock_retry_s)
        return None

    async def _publish_loop(self, stop: asyncio.Event, lock_conn: Connection) -> None:
        last, last_id = await self._resume_point()
        saved_at, unsaved = 0.0, False
        # Set after the stream refused our tail check although we had just read its tail:
        # a new stream leader may not know its last message id yet (after a failover).
        trust_tail = False
        while not stop.is_set():
            raise_if_cancelled()
            if lock_conn.is_closed():
                raise asyncpg.InterfaceError("relay lock connection lost")
            batch = await self.store.read_all_raw(last, self.batch_size)
            if not batch:
                if unsaved:
                    await self._save_checkpoint(last)
                    saved_at, unsaved = time.monotonic(), False
                self.wake.clear()
                await _wait(self.wake, self.idle_wait_s)
                continue
            try:
                # Only this relay publishes (advisory lock), and ``last`` was read from the
                # stream's tail, so the first message may skip the check when told to.
                await self.publish(batch, last, None if trust_tail else last_id)
            except (TimeoutError, NatsError, OSError) as exc:
                log.warning("relay: publish failed (%s); resuming from the stream", exc)
                trust_tail = _wrong_last_msg_id(exc)
                await _sleep_or_stop(stop, 0.5)
                last, last_id = await self._resume_point_or((last, last_id), stop)
                continue
            trust_tail = False
            last, last_id = batch[-1].position, batch[-1].event_id
            self.published += len(batch)
            RELAY_PUBLISHED.inc(len(batch))
            # Informational only (the stream is authoritative): not worth a write per batch.
            unsaved = True
            if time.monotonic() - saved_at >= CHECKPOINT_EVERY_S:
                await self._save_checkpoint(last)
                saved_at, unsaved = time.monotonic(), False

    async def publish(self, batch: list[RawEvent], prev: Position, prev_id: str | None = None) -> None:
        """Publish a batch, pipelined, and wait until JetStream has stored every event.

        ``prev_id`` is the id of the event the stream ends with (``None``: no check for
        the first message of the batch).
        """
        messages = []
        prev_text = str(prev)
        prefix = self.settings.subject_prefix
        spans = []
        for raw in batch:
            position = str(raw.position)
            headers = {
                "Nats-Msg-Id": raw.event_id,
                HEADER_POSITION: position,
                HEADER_PREV: prev_text,
                HEADER_TYPE: raw.type,
            }
            if prev_id is not None:
                headers["Nats-Expected-Last-Msg-Id"] = prev_id
            if tracing.enabled():
                span = tracing.start_span(f"publish {raw.type}", parent=_traceparent_of(raw),
                                          kind=SpanKind.PRODUCER, attributes={"civic.event_id": raw.event_id})
                headers.update(tracing.headers_of(span))
                spans.append(span)
            messages.append((subject_for(prefix, raw.type), envelope_of(raw, prev_text), headers))
            prev_id, prev_text = raw.event_id, position
        try:
            await self.publisher.publish(messages, self.publish_timeout_s)
        finally:
            for span in spans:
                span.end()

    async def _resume_point(self) -> tuple[Position, str | None]:
        """Where to carry on: after the stream's last event (its position and id)."""
        await ensure_stream(
            self.js, self.settings.stream_name, self.settings.subject_prefix, self.settings.stream_replicas
        )
        last = await self._last_message()
        if last is not None:
            return last
        # An empty stream (new, or every message expired): the local checkpoint says how
        # far earlier relays got; there is no last message id to check against.
        row = await self.store.pool.fetchrow(
            "SELECT transaction_id::text::bigint AS tx, position FROM relay_checkpoint WHERE name = $1",
            self.settings.stream_name,
        )
        return (Position(row["tx"], row["position"]) if row else START), None

    async def _resume_point_or(
        self, fallback: tuple[Position, str | None], stop: asyncio.Event
    ) -> tuple[Position, str | None]:
        while not stop.is_set():
            raise_if_cancelled()
            try:
                return await self._resume_point()
            except (TimeoutError, NatsError, OSError) as exc:
                log.info("relay: waiting for NATS (%s)", exc)
                await _sleep_or_stop(stop, 0.5)
        return fallback

    async def last_in_stream(self) -> Position | None:
        """The global position of the last event the stream holds, if any."""
        last = await self._last_message()
        return last[0] if last else None

    async def _last_message(self) -> tuple[Position, str | None] | None:
        info = await self.js.stream_info(self.settings.stream_name)
        if not info.state.messages:
            return None
        try:
            msg = await self.js.get_msg(self.settings.stream_name, seq=info.state.last_seq)
        except NotFoundError:
            return None
        headers = msg.headers or {}
        header = headers.get(HEADER_POSITION)
        if not header:
            return None
        return Position.parse(header), headers.get("Nats-Msg-Id")

    async def _save_checkpoint(self, last: Position) -> None:
        await self.store.pool.execute(
            "INSERT INTO relay_checkpoint (name, transaction_id, position, updated_at)"
            " VALUES ($1, $2::text::xid8, $3, now())"
            " ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,"
            " position = EXCLUDED.position, updated_at = now()",
            self.settings.stream_name,
            str(last.transaction_id),
            last.position,
        )


class _Traced(msgspec.Struct):
    traceparent: str | None = None


_traced = msgspec.json.Decoder(_Traced)


def _traceparent_of(raw: RawEvent) -> str | None:
    try:
        return _traced.decode(raw.metadata).traceparent
    except msgspec.DecodeError:
        return None


def _wrong_last_msg_id(exc: BaseException) -> bool:
    """JetStream refused ``Nats-Expected-Last-Msg-Id`` (error 10070)."""
    return isinstance(exc, APIError) and (
        exc.err_code == 10070 or "wrong last msg" in (exc.description or "").lower())


async def _wait(event: asyncio.Event, seconds: float) -> None:
    """Wait for ``event`` at most ``seconds``. ``asyncio.timeout`` rather than ``wait_for``:
    on Python 3.11 ``wait_for`` can swallow a cancellation that arrives as its timeout
    fires, and a cancelled relay would carry on publishing."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    await _wait(stop, seconds)


async def _close_quietly(conn: Connection) -> None:
    try:
        async with asyncio.timeout(2):
            await conn.close()
    except Exception:  # noqa: BLE001 - closing a dead connection may fail in many ways
        conn.terminate()
