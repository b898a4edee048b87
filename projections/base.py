"""What the projection runner runs: read-model projections and reactors.

A ``Projection`` writes its read model inside the transaction that also moves its
checkpoint, so each event counts exactly once; it must derive everything from the
events (never ``now()``), so that a rebuild equals the live model.

A ``Reactor`` turns events into commands of another service (an award opens a
contract). Delivery is at least once, so its commands carry a command id derived from
the event id: the second delivery appends nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from events.base import Event, tag_of

if TYPE_CHECKING:
    from infra.db import Connection
    from infra.eventstore import RecordedEvent


@runtime_checkable
class Projection(Protocol):
    name: str
    #: tables emptied before a rebuild
    tables: Sequence[str]
    #: event tags it reads; ``None`` for all
    types: frozenset[str] | None

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None: ...


@runtime_checkable
class Reactor(Protocol):
    name: str
    types: frozenset[str] | None

    async def react(self, event: RecordedEvent) -> None: ...


def types_of(*event_classes: type[Event]) -> frozenset[str]:
    """The tags of the given event classes, for ``types``: subscribing by class makes a
    renamed or removed event a failing import rather than a tag that matches nothing."""
    return frozenset(tag_of(cls) for cls in event_classes)
