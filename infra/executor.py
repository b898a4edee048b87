"""Runs a command against an aggregate: load its stream, decide, append. All the I/O of
the write side is here; deciders stay pure.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from events.base import Event, Metadata
from infra.clock import Clock
from infra.eventstore import EventStore, event_ids_for
from infra.idempotency import request_fingerprint
from infra.observability import tracing
from infra.observability.metrics import COMMANDS, command_outcome
from kernel.context import Actor, Context
from kernel.decider import Decider
from kernel.errors import Conflict, NotFound

S = TypeVar("S")
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[S]):
    state: S
    version: int
    events: list[Event]
    duplicate: bool = False


class Executor:
    def __init__(self, store: EventStore, clock: Clock, on_append: Callable[[], Any] | None = None) -> None:
        self.store = store
        self.clock = clock
        self.on_append = on_append

    async def load(self, decider: Decider[S, Any], aggregate_id: str, *, conn: Any = None,
                   as_of: datetime | None = None) -> tuple[S, int]:
        """The aggregate's current state and version (0 when it has no events); with
        ``as_of``, its state and version as they stood at that moment."""
        recorded = await self.store.read_stream(decider.stream_id(aggregate_id), conn=conn, until=as_of)
        state = decider.fold(r.event for r in recorded)
        return state, (recorded[-1].version if recorded else 0)

    async def load_existing(self, decider: Decider[S, Any], aggregate_id: str, what: str, *,
                            as_of: datetime | None = None) -> tuple[S, int]:
        state, version = await self.load(decider, aggregate_id, as_of=as_of)
        if version == 0:
            raise NotFound(f"{what} {aggregate_id} not found")
        return state, version

    async def execute(
        self,
        decider: Decider[S, Any],
        aggregate_id: str,
        command: Any,
        actor: Actor,
        *,
        command_id: str | None = None,
        expected_version: int | None = None,
        causation_id: str | None = None,
        correlation_id: str | None = None,
        conn: Any = None,
    ) -> Outcome[S]:
        """Decide and append. With a ``command_id``, a repeat returns the first outcome.

        With ``conn`` (a connection inside a transaction), the append joins that
        transaction, so commands on several aggregates commit or fail together.
        """
        kind = type(command).__name__
        try:
            with tracing.span(f"command {kind}", attributes={"civic.stream_id": decider.stream_id(aggregate_id)}):
                outcome = await self._execute(decider, aggregate_id, command, actor, command_id=command_id,
                                          expected_version=expected_version, causation_id=causation_id,
                                          correlation_id=correlation_id, conn=conn)
        except BaseException as exc:
            COMMANDS.labels(kind, command_outcome(exc)).inc()
            raise
        COMMANDS.labels(kind, command_outcome(None, duplicate=outcome.duplicate,
                                              appended=bool(outcome.events))).inc()
        return outcome

    async def _execute(
        self,
        decider: Decider[S, Any],
        aggregate_id: str,
        command: Any,
        actor: Actor,
        *,
        command_id: str | None,
        expected_version: int | None,
        causation_id: str | None,
        correlation_id: str | None,
        conn: Any,
    ) -> Outcome[S]:
        stream_id = decider.stream_id(aggregate_id)
        fingerprint = request_fingerprint() if command_id is not None else None
        if command_id is not None:
            repeat = await self.repeated(decider, aggregate_id, command_id, conn=conn)
            if repeat is not None:
                return repeat
        recorded = await self.store.read_stream(stream_id, conn=conn)
        state = decider.fold(r.event for r in recorded)
        version = recorded[-1].version if recorded else 0
        if expected_version is not None and expected_version != version:
            raise Conflict(
                f"{stream_id} is at version {version}, not {expected_version}",
                code="version_conflict",
                details={"expected_version": expected_version, "actual_version": version},
            )
        ctx = Context(now=self.clock.now(), actor=actor)
        new_events = list(decider.decide(command, state, ctx))
        if not new_events:
            return Outcome(state, version, [])
        metadata = Metadata(
            occurred_at=ctx.now,
            command_id=command_id,
            causation_id=causation_id,
            correlation_id=correlation_id or command_id,
            actor=actor.sub,
            actor_role=actor.role,
            agency=actor.agency,
            traceparent=tracing.traceparent(),
            request_fingerprint=fingerprint,
        )
        timers = [t for e in new_events for t in decider.timers(e)]
        result = await self.store.append(
            stream_id,
            version,
            new_events,
            metadata,
            event_ids=event_ids_for(command_id, len(new_events)) if command_id else None,
            timers=timers,
            conn=conn,
        )
        if result.duplicate:
            repeat = await self.repeated(decider, aggregate_id, command_id or "", conn=conn)
            if repeat is not None:
                return repeat
        if self.on_append is not None:
            self.on_append()
        return Outcome(decider.fold(new_events, state), result.version, new_events)

    async def repeated(
        self, decider: Decider[S, Any], aggregate_id: str, command_id: str, *, conn: Any = None
    ) -> Outcome[S] | None:
        """The outcome of ``command_id`` if it is already stored (None if it is not).

        A repeat is the same command only if it targets the stream the first one wrote and,
        for an HTTP request, carries the same method, path and body; anything else reusing
        the id (an Idempotency-Key sent again with another body) is a ``Conflict``.
        """
        first = await self.store.find(event_ids_for(command_id, 1)[0])
        if first is None:
            return None
        fingerprint = request_fingerprint()
        stored = first.metadata.request_fingerprint
        if first.stream_id != decider.stream_id(aggregate_id) or (
            fingerprint is not None and stored is not None and stored != fingerprint
        ):
            raise Conflict(
                "this Idempotency-Key was already used for a different request; "
                "send a new key for a new request",
                code="idempotency_key_reused",
            )
        state, version = await self.load(decider, aggregate_id, conn=conn)
        return Outcome(state, version, [], duplicate=True)

    async def execute_retrying(
        self,
        decider: Decider[S, Any],
        aggregate_id: str,
        command: Any,
        actor: Actor,
        *,
        attempts: int = 5,
        **options: Any,
    ) -> Outcome[S]:
        """``execute``, deciding again on the newer state when a concurrent writer appended
        first (busy aggregates: several evaluators scoring one solicitation). Not for a
        caller that pinned ``expected_version``: that conflict is the answer."""
        for _ in range(attempts - 1):
            try:
                return await self.execute(decider, aggregate_id, command, actor, **options)
            except Conflict as exc:
                if exc.code != "version_conflict" or options.get("expected_version") is not None:
                    raise
        return await self.execute(decider, aggregate_id, command, actor, **options)

    async def in_transaction(self, work: Callable[[Any], Awaitable[T]], *, attempts: int = 8) -> T:
        """Run ``work(conn)`` in one transaction (pass ``conn`` to each ``execute`` in it), and
        run it again from the start when a concurrent writer appended to one of its streams
        first: every command is then decided on the newer state, so the answer is a success
        or the refusal the newer state calls for, never a lost update."""
        for attempt in range(attempts):
            try:
                async with self.store.transaction() as conn:
                    return await work(conn)
            except Conflict as exc:
                if exc.code != "version_conflict" or attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")
