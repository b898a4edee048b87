"""Loading a read model's benchmark data: events fed to a projection's own ``apply`` in big
batches, as the runner would hand them over."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg

from events.base import Event, Metadata, tag_of
from infra.db import Connection
from infra.eventstore import Position, RecordedEvent

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


async def settle(conn: Connection) -> None:
    """Write out what loading dirtied before timing, so the figures are of steady state."""
    with contextlib.suppress(asyncpg.InsufficientPrivilegeError):
        await conn.execute("CHECKPOINT")


def recorded(events: Iterator[Event], batch: int, at: datetime = NOW) -> Iterator[list[RecordedEvent]]:
    """Events as the runner hands them to a projection, in global order, ``batch`` at a time."""
    meta = Metadata(occurred_at=at, actor="bench")
    chunk: list[RecordedEvent] = []
    for n, event in enumerate(events, start=1):
        tag = tag_of(type(event))
        chunk.append(RecordedEvent(event_id=str(uuid.UUID(int=n)), stream_id="bench", version=n,
                                   position=Position(1, n), type=tag, event=event,
                                   metadata=meta, recorded_at=at))
        if len(chunk) >= batch:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def load(conn: Connection, projection: Any, events: Iterator[Event], batch: int = 20_000,
               progress: Any = None) -> int:
    """Apply the events in batches, one short transaction each (as the runner does)."""
    done = 0
    for chunk in recorded(events, batch):
        async with conn.transaction():
            await projection.apply(conn, chunk)
        done += len(chunk)
        if progress:
            progress(done)
    return done
