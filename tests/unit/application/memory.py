"""The application wired over the in-memory event store: command handling without servers.

The store passes the same contract suite as the PostgreSQL one
(``tests/integration/infra/test_event_store.py``), so what a test shows here holds there.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from infra.clock import Clock
from infra.executor import Executor
from infra.memory_store import InMemoryEventStore


class ManualClock(Clock):
    """A clock that moves only when a test moves it (forward or back)."""

    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


def executor_at(now: datetime) -> Executor:
    """An executor over an empty in-memory store, its clock at ``now``."""
    return Executor(InMemoryEventStore(), ManualClock(now))
