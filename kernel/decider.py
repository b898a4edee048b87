"""The shape of every aggregate: ``decide(command, state, ctx) -> events`` and ``evolve``.

Pure: no I/O here. ``infra/executor.py`` loads the stream, calls the decider, appends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from events.base import Event
from kernel.context import Context
from kernel.timers import Timer

S = TypeVar("S")
C = TypeVar("C")


@dataclass(frozen=True)
class Decider(Generic[S, C]):
    """One aggregate type. ``stream_prefix`` names its streams (``vendor-<id>``)."""

    stream_prefix: str
    initial: Callable[[], S]
    decide: Callable[[C, S, Context], Sequence[Event]]
    evolve: Callable[[S, Event], S]
    timers: Callable[[Event], Iterable[Timer]] = lambda event: ()

    def stream_id(self, aggregate_id: str) -> str:
        return f"{self.stream_prefix}-{aggregate_id}"

    def fold(self, events: Iterable[Event], state: S | None = None) -> S:
        current = self.initial() if state is None else state
        for event in events:
            current = self.evolve(current, event)
        return current

    def run(self, commands: Iterable[tuple[C, Context]], state: S | None = None) -> tuple[S, list[Event]]:
        """Decide and evolve a sequence of commands in memory (tests, demos)."""
        current = self.initial() if state is None else state
        produced: list[Event] = []
        for command, ctx in commands:
            new = list(self.decide(command, current, ctx))
            produced.extend(new)
            current = self.fold(new, current)
        return current, produced


def no_timers(event: Any) -> tuple[()]:
    return ()
