"""An event store in memory, for application tests without servers.

It keeps the contract of ``infra.eventstore.EventStore`` the way PostgreSQL keeps it for
``PostgresEventStore``, and the same contract suite runs over both: events are encoded
and decoded through the registry (so upcasters run), a transaction takes its id at its
first append and every event a position, and a reader of the global order sees only
transactions older than the oldest one still open. A transaction's appends are checked
again when it commits: if another writer moved one of its streams meanwhile, the
transaction fails with ``Conflict`` and nothing of it lands, as the unique
``(stream_id, version)`` key makes it fail on PostgreSQL. Personal data is sealed on
append and opened on read as there (``infra.personal``), under keys kept in memory
(``personal_keys``); a key made by a transaction that then fails is kept, unused.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from events.base import Event, Metadata, tag_of
from infra import personal
from infra.eventstore import (
    START,
    AppendResult,
    Position,
    RawEvent,
    RecordedEvent,
    encode_metadata,
    ids_for_append,
    version_conflict,
)
from kernel.errors import Conflict
from kernel.timers import Timer


@dataclass(eq=False)
class MemoryTransaction:
    """What one transaction has appended and not yet committed."""

    transaction_id: int | None = None
    events: list[RawEvent] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    #: the committed version each appended stream was at when the transaction first wrote it
    based_on: dict[str, int] = field(default_factory=dict)

    def pending(self, stream_id: str) -> list[RawEvent]:
        return [e for e in self.events if e.stream_id == stream_id]


class InMemoryEventStore:
    def __init__(self) -> None:
        self._log: list[RawEvent] = []  # committed, in global order
        self._streams: dict[str, list[RawEvent]] = {}
        self._by_id: dict[str, RawEvent] = {}
        self._open: dict[int, MemoryTransaction] = {}
        self._transaction_ids = itertools.count(1)
        self._positions = itertools.count(1)
        #: timers written with the events, by id (the first one written wins)
        self.timers: dict[str, Timer] = {}
        #: the keys per person that personal data is sealed under
        self.personal_keys = personal.MemoryKeys()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[MemoryTransaction]:
        """Appends given this transaction as ``conn=`` commit together when the block
        ends, or not at all when it raises."""
        tx = MemoryTransaction()
        try:
            yield tx
        except BaseException:
            self._close(tx)
            raise
        self._commit(tx)

    async def append(
        self,
        stream_id: str,
        expected_version: int | None,
        events: Sequence[Event],
        metadata: Metadata,
        *,
        event_ids: Sequence[str] | None = None,
        timers: Sequence[Timer] = (),
        conn: MemoryTransaction | None = None,
    ) -> AppendResult:
        if not events:
            return AppendResult(stream_id, expected_version or 0, [])
        ids = ids_for_append(events, event_ids)
        # sealed before the checks, so nothing awaits between checking the version and writing
        stored = await personal.seal(self.personal_keys, events)
        tx = conn or MemoryTransaction()
        repeated = self._already_appended(tx, stream_id, ids)
        if repeated is not None:
            return repeated
        actual = self._version(stream_id, tx)
        expected = actual if expected_version is None else expected_version
        if expected != actual:
            raise version_conflict(stream_id, expected, actual)
        if tx.transaction_id is None:
            tx.transaction_id = next(self._transaction_ids)
            self._open[tx.transaction_id] = tx
        tx.based_on.setdefault(stream_id, self._committed_version(stream_id))
        meta = encode_metadata(metadata)
        recorded_at = datetime.now(UTC)
        for i, (event, event_id, data) in enumerate(zip(events, ids, stored, strict=True)):
            tx.events.append(RawEvent(
                event_id=event_id,
                stream_id=stream_id,
                version=expected + i + 1,
                position=Position(tx.transaction_id, next(self._positions)),
                type=tag_of(type(event)),
                data=data,
                metadata=meta,
                recorded_at=recorded_at,
            ))
        tx.timers.extend(timers)
        if conn is None:
            self._commit(tx)
        return AppendResult(stream_id, expected + len(events), ids)

    def _already_appended(
        self, tx: MemoryTransaction, stream_id: str, ids: list[str]
    ) -> AppendResult | None:
        mine = {e.event_id: e for e in tx.events}
        stored = [found for i in ids if (found := self._by_id.get(i) or mine.get(i)) is not None]
        if not stored:
            return None
        if len(stored) != len(ids) or any(e.stream_id != stream_id for e in stored):
            raise Conflict("these event ids belong to another append", code="duplicate_event")
        return AppendResult(stream_id, max(e.version for e in stored), ids, duplicate=True)

    def _committed_version(self, stream_id: str) -> int:
        stream = self._streams.get(stream_id)
        return stream[-1].version if stream else 0

    def _version(self, stream_id: str, tx: MemoryTransaction | None) -> int:
        pending = tx.pending(stream_id) if tx is not None else []
        return pending[-1].version if pending else self._committed_version(stream_id)

    def _commit(self, tx: MemoryTransaction) -> None:
        try:
            for stream_id, version in tx.based_on.items():
                actual = self._committed_version(stream_id)
                if actual != version:
                    raise version_conflict(stream_id, version, actual)
            if any(e.event_id in self._by_id for e in tx.events):
                raise Conflict("these event ids belong to another append", code="duplicate_event")
            for raw in tx.events:
                bisect.insort(self._log, raw, key=lambda r: r.position)
                self._streams.setdefault(raw.stream_id, []).append(raw)
                self._by_id[raw.event_id] = raw
            for timer in tx.timers:
                self.timers.setdefault(timer.timer_id, timer)
        finally:
            self._close(tx)

    def _close(self, tx: MemoryTransaction) -> None:
        if tx.transaction_id is not None:
            self._open.pop(tx.transaction_id, None)

    async def stream_version(self, stream_id: str, *, conn: MemoryTransaction | None = None) -> int:
        return self._version(stream_id, conn)

    async def read_stream(
        self, stream_id: str, *, after_version: int = 0, conn: MemoryTransaction | None = None,
        until: datetime | None = None,
    ) -> list[RecordedEvent]:
        stream = [*self._streams.get(stream_id, []), *(conn.pending(stream_id) if conn else [])]
        found = await self._decode(stream)
        if until is not None:  # the prefix of events that had happened by then
            cut = next((i for i, e in enumerate(found) if e.metadata.occurred_at > until), len(found))
            found = found[:cut]
        return [e for e in found if e.version > after_version]

    async def _decode(self, raws: Sequence[RawEvent]) -> list[RecordedEvent]:
        return [raw.decode() for raw in await personal.opened(self.personal_keys, raws)]

    def _visible(self) -> list[RawEvent]:
        """The committed events a reader of the global order may see now."""
        if not self._open:
            return self._log
        horizon = Position(min(self._open), 0)
        return self._log[: bisect.bisect_left(self._log, horizon, key=lambda r: r.position)]

    async def read_all_raw(
        self, after: Position = START, limit: int = 1000, *, conn: MemoryTransaction | None = None
    ) -> list[RawEvent]:
        visible = self._visible()
        first = bisect.bisect_right(visible, after, key=lambda r: r.position)
        return visible[first : first + limit]

    async def read_all(
        self, after: Position = START, limit: int = 1000, *, conn: MemoryTransaction | None = None
    ) -> list[RecordedEvent]:
        return await self._decode(await self.read_all_raw(after, limit, conn=conn))

    async def find(self, event_id: str) -> RecordedEvent | None:
        raw = self._by_id.get(event_id)
        return (await self._decode([raw]))[0] if raw else None

    async def head(self) -> Position:
        visible = self._visible()
        return visible[-1].position if visible else START

    async def count_after(self, after: Position) -> int:
        return len(self._log) - bisect.bisect_right(self._log, after, key=lambda r: r.position)
