"""Inline projections: read models applied inside the transaction that appends their events.

A context's facts for other contexts' decisions (a vendor's standing, a solicitation's
deadlines, a bid's opened content) must be current the moment a command is answered:
a vendor told "approved" bids on the next request. The event store applies every inline
projection that reads one of the appended event types on the appending connection,
before the transaction commits, so the events and their facts commit (or fail)
together. Read models for users stay asynchronous in the runners.

An inline projection has no runner and no checkpoint of its own: it is always as far as
the store. ``civic rebuild NAME`` empties and replays it under a table lock, which makes
the appends that would change it wait until the rebuilt model commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from infra import personal
from infra.eventstore import START, Position, RawEvent, RecordedEvent
from infra.postgres_store import _COLUMNS, _raw

if TYPE_CHECKING:
    from infra.db import Connection
    from infra.postgres_store import PostgresEventStore
    from projections.base import Projection


def is_inline(projection: object) -> bool:
    return bool(getattr(projection, "inline", False))


class InlineProjections:
    """The inline projections the event store applies, by the event types they read."""

    def __init__(self, projections: Sequence[Projection] = ()) -> None:
        self.projections = list(projections)
        self._wanted: frozenset[str] | None = frozenset()
        for p in self.projections:
            if p.types is None:
                self._wanted = None
                break
            self._wanted = self._wanted | p.types  # type: ignore[operator]

    def wants(self, types: Sequence[str]) -> bool:
        if not self.projections:
            return False
        return self._wanted is None or any(t in self._wanted for t in types)

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        for projection in self.projections:
            wanted = projection.types
            mine = [e for e in events if wanted is None or e.type in wanted]
            if mine:
                await projection.apply(conn, mine)


class InlineRebuild:
    """What ``Civic.runner_for`` gives for an inline projection: always caught up, and
    rebuilt from the store under a lock."""

    def __init__(self, projection: Projection, store: PostgresEventStore) -> None:
        self.handler = projection
        self.name = projection.name
        self.store = store
        self.applied = 0

    async def ensure_built(self) -> None:
        """Build the model from the store the first time this projection runs inline (a new
        projection, or one that used to run in a runner), once per database."""
        marker = f"{self.name}@inline"
        if await self.store.pool.fetchval("SELECT 1 FROM projection_checkpoints WHERE name = $1", marker):
            return
        await self.rebuild(marker=marker)

    async def checkpoint(self) -> Position:
        return await self.store.head()

    async def catch_up(self) -> int:
        return 0  # applied with every append

    async def rebuild(self, progress: Callable[[int, int], Any] | None = None, *, batch_size: int = 5000,
                      marker: str | None = None) -> int:
        """Empty the read model and replay every event it reads, in one transaction.

        ``TRUNCATE`` locks the tables, so an append that would apply to them waits until
        this commits and then applies on top; every event committed before the lock is
        read here (no horizon is needed: no event this projection reads can commit while
        the lock is held)."""
        projection = self.handler
        types = sorted(projection.types) if projection.types is not None else None
        async with self.store.pool.acquire() as conn, conn.transaction():
            if projection.tables:
                await conn.execute(f"TRUNCATE {', '.join(projection.tables)}")
            total = await conn.fetchval(
                "SELECT count(*) FROM events WHERE $1::text[] IS NULL OR type = ANY($1::text[])", types)
            done, cursor = 0, START
            while batch := await _read_after(conn, cursor, types, batch_size):
                # personal data opened as every reader sees it ([removed] once forgotten)
                opened = await personal.opened(personal.PostgresKeys(conn), batch)
                await projection.apply(conn, [raw.decode() for raw in opened])
                cursor = batch[-1].position
                done += len(batch)
                if progress:
                    progress(done, max(total, done))
            await conn.execute("INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING",
                               marker or f"{projection.name}@inline")
        return done


async def _read_after(conn: Connection, after: Position, types: list[str] | None,
                      limit: int) -> list[RawEvent]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM events WHERE (transaction_id, position) > ($1::text::xid8, $2)"
        " AND ($3::text[] IS NULL OR type = ANY($3::text[])) ORDER BY transaction_id, position LIMIT $4",
        str(after.transaction_id), after.position, types, limit)
    return [_raw(r) for r in rows]
