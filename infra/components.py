"""What each service or read model contributes, and how the composition root finds them.

Every package under ``services/`` and ``projections/`` may define ``COMPONENT`` in its
``component.py``; adding a context never means editing the composition root. Package
``__init__`` files stay empty, so importing a decider loads none of the wiring.
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from infra.outboxes import Outbox

if TYPE_CHECKING:
    from infra.container import Civic
    from infra.scheduler import TimerHandler
    from projections.base import Projection, Reactor


def _none(civic: Civic) -> list[Any]:
    return []


def _no_timers(civic: Civic) -> dict[str, Any]:
    return {}


#: a long-running task of a component (a sender): runs until the event is set
Worker = Callable[["asyncio.Event"], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class PeriodicJob:
    """Work the scheduler process repeats every ``interval_s`` (safe in two processes)."""

    name: str
    interval_s: float
    run: Callable[[], Awaitable[Any]]


@dataclass(frozen=True)
class Component:
    name: str
    #: Litestar controllers and route handlers, mounted under /api/v1
    route_handlers: Sequence[Any] = ()
    projections: Callable[[Civic], Sequence[Projection]] = _none
    reactors: Callable[[Civic], Sequence[Reactor]] = _none
    timer_handlers: Callable[[Civic], Mapping[str, TimerHandler]] = _no_timers
    #: long-running tasks (delivery to the outside world), by name
    workers: Callable[[Civic], Mapping[str, Worker]] = _no_timers
    #: a check of the component's own that ``civic status`` runs and shows (documents: a
    #: verification pass over every stored blob); outboxes are declared in ``outboxes``
    status: Callable[[Civic], Awaitable[Mapping[str, Any]]] | None = None
    periodic: Callable[[Civic], Sequence[PeriodicJob]] = _none
    #: work waiting to leave the marketplace: ``civic status`` shows it, the metrics sample it
    outboxes: Sequence[Outbox] = ()
    #: what this component erases of a forgotten person (``contact:<email>``, ...) that the
    #: event store does not hold: e.g. the address sent mail went to
    forget: Callable[[Civic, str], Awaitable[None]] | None = None
    #: extra Litestar dependencies (name -> Provide)
    dependencies: Mapping[str, Any] = field(default_factory=dict)


@cache
def discover() -> tuple[Component, ...]:
    import projections
    import services

    found: list[Component] = []
    for package in (services, projections):
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if not info.ispkg:
                continue
            try:
                module = importlib.import_module(f"{package.__name__}.{info.name}.component")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package.__name__}.{info.name}.component":
                    raise
                continue
            component = getattr(module, "COMPONENT", None)
            if component is not None:
                found.append(component)
    return tuple(found)
