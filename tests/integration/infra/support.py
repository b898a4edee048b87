"""What the foundation's integration tests share: a test event, a read model that notices
double or out-of-order applies, a NATS server of their own, and stream readers."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from events.base import Event, Metadata
from infra.bus import HEADER_POSITION
from infra.embedded import free_port, nats_server_binary
from infra.eventstore import EventStore, Position


class Noted(Event, frozen=True, kw_only=True, tag="infratest.Noted.v1"):
    n: int


NOTED = "infratest.Noted.v1"


class NotedVendor(Event, frozen=True, kw_only=True, tag="infratest.NotedVendor.v1"):
    """The fields of ``UserInvited``, none of them declared personal."""

    vendor_id: str
    user: str


def meta() -> Metadata:
    return Metadata(occurred_at=datetime.now(UTC), actor="tester")


async def append_notes(
    store: EventStore, count: int, *, streams: int = 10, per_append: int = 1, first: int = 0
) -> None:
    """Notes ``first`` .. ``first + count - 1`` spread over ``streams`` streams,
    ``per_append`` at a time."""
    n = first
    while n < first + count:
        size = min(per_append, first + count - n)
        await store.append(f"note-{n % streams}", None, [Noted(n=n + i) for i in range(size)], meta())
        n += size


NOTES_TABLE = """
CREATE TABLE IF NOT EXISTS {table} (
    event_id  text PRIMARY KEY,
    stream_id text   NOT NULL,
    version   int    NOT NULL,
    n         int    NOT NULL,
    position  text   NOT NULL,
    applied   bigint GENERATED ALWAYS AS IDENTITY
)
"""


class NotesProjection:
    """Records every note once (a second apply violates the primary key) with the order
    it was applied in; ``fail_on`` makes chosen notes poison."""

    types = frozenset({NOTED})

    def __init__(self, name: str = "infra_notes", *, fail_on: Sequence[int] = ()) -> None:
        self.name = name
        self.table = name
        self.tables = (name,)
        self.fail_on = set(fail_on)

    async def create(self, pool: Any) -> None:
        await pool.execute(NOTES_TABLE.format(table=self.table))

    async def apply(self, conn: Any, events: Sequence[Any]) -> None:
        for e in events:
            if e.event.n in self.fail_on:
                raise ValueError(f"note {e.event.n} cannot be applied")
        await conn.executemany(
            f"INSERT INTO {self.table} (event_id, stream_id, version, n, position)"
            " VALUES ($1, $2, $3, $4, $5)",
            [(e.event_id, e.stream_id, e.version, e.event.n, str(e.position)) for e in events],
        )

    async def rows(self, pool: Any) -> list[tuple[Any, ...]]:
        """The read model in the order it was applied, without the apply counter."""
        records = await pool.fetch(
            f"SELECT event_id, stream_id, version, n, position FROM {self.table} ORDER BY applied"
        )
        return [tuple(r) for r in records]


async def store_order(store: EventStore) -> list[str]:
    """Every stored event id in global order."""
    ids: list[str] = []
    after = Position(0, 0)
    while batch := await store.read_all_raw(after, 5000):
        ids.extend(r.event_id for r in batch)
        after = batch[-1].position
    return ids


async def all_visible(store: EventStore, count: int) -> None:
    """Wait until readers of the global order see ``count`` events. They stop below the
    oldest transaction running anywhere on the server, which on a shared server may be
    another database's."""
    from tests.support import eventually

    async def visible() -> bool:
        return len(await store_order(store)) >= count

    await eventually(visible, timeout=30, what=f"{count} visible events")


async def stream_messages(js: Any, stream: str) -> list[Any]:
    """Every message the JetStream stream holds, in stream order."""
    info = await js.stream_info(stream)
    total = info.state.messages
    if not total:
        return []
    sub = await js.pull_subscribe(
        "", stream=stream,
        config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL,
                              inactive_threshold=30),
    )
    found: list[Any] = []
    try:
        while len(found) < total:
            found.extend(await sub.fetch(min(1000, total - len(found)), timeout=5))
    finally:
        await sub.unsubscribe()
    return found


def msg_ids(msgs: Sequence[Any]) -> list[str]:
    return [m.headers["Nats-Msg-Id"] for m in msgs]


def positions(msgs: Sequence[Any]) -> list[Position]:
    return [Position.parse(m.headers[HEADER_POSITION]) for m in msgs]


class OwnNats:
    """A nats-server with JetStream on a file store of its own, to stop and start again."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="civic-nats-"))
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [nats_server_binary(), "-js", "-sd", str(self.folder / "js"), "-a", "127.0.0.1",
             "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("nats-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
