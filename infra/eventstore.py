"""The event store's contract, and the records it hands out.

Two implementations keep it: ``infra.postgres_store.PostgresEventStore`` (the system of
record) and ``infra.memory_store.InMemoryEventStore`` (application tests without servers).
One contract suite runs over both (``tests/integration/infra/test_event_store.py``), so a
test that passes on the fast one says something about the real one.

Global order is the pair (transaction_id, position): a reader of the global order only
sees events of transactions older than the oldest transaction still running, so nothing
can later appear behind a position already read.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

import msgspec

from events.base import Event, Metadata
from events.registry import decode_event
from kernel.errors import Conflict
from kernel.timers import Timer

if TYPE_CHECKING:
    from infra.personal import KeyTable

EVENT_ID_NAMESPACE = uuid.UUID("6f1b7c36-3c59-4d5e-9d53-7e0d2a4f6a10")
_metadata_encoder = msgspec.json.Encoder()
_metadata_decoder = msgspec.json.Decoder(Metadata)


class Position(NamedTuple):
    """A place in the global order."""

    transaction_id: int
    position: int

    def __str__(self) -> str:
        return f"{self.transaction_id}.{self.position}"

    @classmethod
    def parse(cls, text: str) -> Position:
        tx, _, pos = text.partition(".")
        return cls(int(tx), int(pos))


START = Position(0, 0)


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    event_id: str
    stream_id: str
    version: int
    position: Position
    type: str
    event: Event
    metadata: Metadata
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class RawEvent:
    """A stored event as the store holds it, undecoded (for the relay and rebuilds)."""

    event_id: str
    stream_id: str
    version: int
    position: Position
    type: str
    data: str
    metadata: str
    recorded_at: datetime

    def decode(self) -> RecordedEvent:
        return RecordedEvent(
            event_id=self.event_id,
            stream_id=self.stream_id,
            version=self.version,
            position=self.position,
            type=self.type,
            event=decode_event(self.type, self.data),
            metadata=_metadata_decoder.decode(self.metadata),
            recorded_at=self.recorded_at,
        )


@dataclass(frozen=True, slots=True)
class AppendResult:
    stream_id: str
    version: int
    event_ids: list[str]
    duplicate: bool = False


def event_ids_for(command_id: str, count: int) -> list[str]:
    """Deterministic event ids of a command: re-sending it can never append twice."""
    return [str(uuid.uuid5(EVENT_ID_NAMESPACE, f"{command_id}:{i}")) for i in range(count)]


def ids_for_append(events: Sequence[Event], event_ids: Sequence[str] | None) -> list[str]:
    """The ids of an append's events: those given (one per event) or fresh ones."""
    ids = list(event_ids) if event_ids is not None else [str(uuid.uuid4()) for _ in events]
    if len(ids) != len(events):
        raise ValueError("one event id per event")
    return ids


def version_conflict(stream_id: str, expected: int, actual: int) -> Conflict:
    """What an append after the wrong version raises (HTTP 409 with both versions)."""
    return Conflict(
        f"stream {stream_id} is at version {actual}, not {expected}",
        code="version_conflict",
        details={"expected_version": expected, "actual_version": actual},
    )


def encode_metadata(metadata: Metadata) -> str:
    return _metadata_encoder.encode(metadata).decode()


@runtime_checkable  # Litestar checks injected dependencies against their annotation
class EventStore(Protocol):
    """Appends with optimistic concurrency and reads a stream or the global order.

    ``conn`` is a transaction of the store (from ``transaction()``): an append given one
    joins it, so appends to several streams commit or fail together; a read given one
    sees that transaction's own appends.

    Fields an event declares personal are stored sealed under their person's key and read
    back open, or as ``infra.personal.REMOVED`` once ``personal_keys`` destroyed that key;
    ``read_all_raw`` hands them out as stored (sealed).
    """

    @property
    def personal_keys(self) -> KeyTable:
        """Where the keys per person are kept."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[Any]: ...

    async def append(
        self,
        stream_id: str,
        expected_version: int | None,
        events: Sequence[Event],
        metadata: Metadata,
        *,
        event_ids: Sequence[str] | None = None,
        timers: Sequence[Timer] = (),
        conn: Any = None,
    ) -> AppendResult:
        """Append atomically after ``expected_version`` (``None``: after whatever is there).

        Raises ``Conflict`` (``version_conflict``) and writes nothing when the stream is not
        at the expected version. Appending event ids that are already stored is a no-op
        that returns the stored result (``duplicate=True``); ids stored in another stream
        are a ``Conflict`` (``duplicate_event``).
        """
        ...

    async def stream_version(self, stream_id: str, *, conn: Any = None) -> int: ...

    async def read_stream(
        self, stream_id: str, *, after_version: int = 0, conn: Any = None,
        until: datetime | None = None,
    ) -> list[RecordedEvent]:
        """The stream in version order; with ``until``, the prefix of events that had
        happened by then (occurred-at not after it)."""
        ...

    async def read_all_raw(
        self, after: Position = START, limit: int = 1000, *, conn: Any = None
    ) -> list[RawEvent]:
        """Committed events after ``after`` in global order, never skipping a late commit."""
        ...

    async def read_all(
        self, after: Position = START, limit: int = 1000, *, conn: Any = None
    ) -> list[RecordedEvent]: ...

    async def find(self, event_id: str) -> RecordedEvent | None: ...

    async def head(self) -> Position:
        """The last position a reader of the global order can see now."""
        ...

    async def count_after(self, after: Position) -> int: ...
