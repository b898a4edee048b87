"""NATS JetStream: connection, the event stream's configuration, subjects and envelopes.

The stream keeps events for replay by consumers; PostgreSQL stays the system of record
and every consumer can fill a gap from it, so the stream may expire old messages.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
import nats
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import APIError, NoStreamResponseError, NotFoundError

from infra.eventstore import RawEvent

log = logging.getLogger("civic.bus")

DUPLICATE_WINDOW_S = 120.0
MAX_AGE_S = 30 * 24 * 3600.0

HEADER_POSITION = "Civic-Position"
HEADER_PREV = "Civic-Prev"
HEADER_TYPE = "Civic-Type"


class Envelope(msgspec.Struct, frozen=True, kw_only=True):
    """What travels on the stream: the stored event and where it sits in the global order."""

    event_id: str
    stream_id: str
    version: int
    position: str
    prev: str
    type: str
    data: msgspec.Raw
    metadata: msgspec.Raw
    recorded_at: datetime

    def to_raw(self) -> RawEvent:
        from infra.eventstore import Position

        return RawEvent(
            event_id=self.event_id,
            stream_id=self.stream_id,
            version=self.version,
            position=Position.parse(self.position),
            type=self.type,
            data=bytes(self.data).decode(),
            metadata=bytes(self.metadata).decode(),
            recorded_at=self.recorded_at,
        )


_envelope_encoder = msgspec.json.Encoder()
envelope_decoder = msgspec.json.Decoder(Envelope)


def envelope_of(raw: RawEvent, prev: str) -> bytes:
    return _envelope_encoder.encode(
        Envelope(
            event_id=raw.event_id,
            stream_id=raw.stream_id,
            version=raw.version,
            position=str(raw.position),
            prev=prev,
            type=raw.type,
            data=msgspec.Raw(raw.data.encode()),
            metadata=msgspec.Raw(raw.metadata.encode()),
            recorded_at=raw.recorded_at,
        )
    )


def subject_for(prefix: str, event_type: str) -> str:
    """``civic.events.<context>.<Name>.v<N>`` for tag ``<context>.<Name>.v<N>``."""
    return f"{prefix}.{event_type}"


def stream_config(name: str, prefix: str, replicas: int = 1) -> StreamConfig:
    return StreamConfig(
        name=name,
        subjects=[f"{prefix}.>"],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        discard=DiscardPolicy.OLD,
        max_age=MAX_AGE_S,
        duplicate_window=DUPLICATE_WINDOW_S,
        num_replicas=replicas,
        allow_direct=True,
    )


def servers(url: str) -> list[str]:
    """``NATS_URL`` may name several nodes of a cluster, comma-separated."""
    return [part.strip() for part in url.split(",") if part.strip()]


async def connect(url: str, *, name: str = "civic") -> NATS:
    async def on_error(exc: Exception) -> None:
        log.warning("nats: %s", exc)

    async def on_disconnect() -> None:
        log.warning("nats: disconnected")

    async def on_reconnect() -> None:
        log.info("nats: reconnected")

    return await nats.connect(
        servers(url),
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        connect_timeout=5,
        allow_reconnect=True,
        error_cb=on_error,
        disconnected_cb=on_disconnect,
        reconnected_cb=on_reconnect,
    )


async def ensure_stream(js: JetStreamContext, name: str, prefix: str, replicas: int = 1) -> None:
    """Create the event stream, or bring its configuration up to date. Idempotent."""
    config = stream_config(name, prefix, replicas)
    try:
        await js.stream_info(name)
    except NotFoundError:
        await js.add_stream(config)
        return
    await js.update_stream(config)


class Publisher:
    """Pipelined JetStream publishing: send a batch, then wait for every acknowledgement.

    Replies come back on one inbox of its own. (nats-py's ``publish_async`` leaves the
    future of a message the server refuses pending until it times out, which would stall
    a relay for the whole timeout instead of resuming at once.)
    """

    def __init__(self, nc: NATS) -> None:
        self.nc = nc
        self._prefix = ""
        self._sub: Any = None
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._tokens = itertools.count()

    async def _start(self) -> None:
        self._prefix = self.nc.new_inbox()
        self._sub = await self.nc.subscribe(f"{self._prefix}.*", cb=self._on_reply)

    async def _on_reply(self, msg: Any) -> None:
        future = self._pending.pop(msg.subject[len(self._prefix) + 1 :], None)
        if future is None or future.done():
            return
        if msg.headers and msg.headers.get("Status") == "503":
            future.set_exception(NoStreamResponseError())
            return
        try:
            reply = _ack_decoder.decode(msg.data)
        except msgspec.DecodeError as exc:
            future.set_exception(APIError(description=f"unreadable acknowledgement: {exc}"))
            return
        error = reply.get("error")
        if error:
            future.set_exception(APIError(code=error.get("code"), err_code=error.get("err_code"),
                                          description=error.get("description")))
        else:
            future.set_result(reply)

    async def publish(
        self, messages: Sequence[tuple[str, bytes, dict[str, str]]], timeout: float  # noqa: ASYNC109
    ) -> list[dict[str, Any]]:
        """Publish ``(subject, payload, headers)`` in order; returns the acknowledgements.

        Raises the first refusal (``APIError``) or ``TimeoutError``; messages after a
        refused one may or may not be stored.
        """
        if self._sub is None:
            await self._start()
        loop = asyncio.get_running_loop()
        tokens: list[str] = []
        futures: list[asyncio.Future[dict[str, Any]]] = []
        try:
            for subject, payload, headers in messages:
                token = str(next(self._tokens))
                future: asyncio.Future[dict[str, Any]] = loop.create_future()
                self._pending[token] = future
                tokens.append(token)
                futures.append(future)
                await self.nc.publish(subject, payload, reply=f"{self._prefix}.{token}", headers=headers)
            async with asyncio.timeout(timeout):  # wait_for could swallow a cancellation
                return await asyncio.gather(*futures)
        finally:
            for token in tokens:
                self._pending.pop(token, None)
            for future in futures:
                if not future.done():
                    future.cancel()
                elif not future.cancelled():
                    future.exception()  # retrieved: no "never retrieved" warnings

    async def close(self) -> None:
        if self._sub is not None:
            sub, self._sub = self._sub, None
            try:
                await sub.unsubscribe()
            except Exception:  # noqa: BLE001 - the connection may be gone already
                pass


_ack_decoder = msgspec.json.Decoder(dict[str, Any])
