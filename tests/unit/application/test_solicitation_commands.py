"""Creating, publishing and closing solicitations through the executor, over the in-memory
store: the rules that refuse a command leave nothing behind, and the deadline timer written
with the publication closes the solicitation once the clock passes it."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest

from events.solicitations import SolicitationClosed, SolicitationCreated, SolicitationPublished
from infra.memory_store import InMemoryEventStore
from kernel.context import Actor
from kernel.errors import Conflict, Forbidden, Invalid
from services.solicitations.commands import PublishSolicitation
from services.solicitations.deciders.solicitation import CLOSE_TIMER, SOLICITATION
from services.solicitations.timers import close_handler
from tests.unit.application.memory import ManualClock, executor_at
from tests.unit.solicitations.factories import BUYER, NOW, create

NO_AGENCY = Actor(sub="buyer-2", role="buyer")


async def _events(store: InMemoryEventStore) -> list[object]:
    return [r.event for r in await store.read_all(limit=10_000)]


async def test_a_buyer_whose_token_names_no_agency_is_refused_and_nothing_is_stored():
    executor = executor_at(NOW)
    command = msgspec.structs.replace(create(), agency_id="")
    with pytest.raises(Forbidden) as refused:
        await executor.execute(SOLICITATION, "s1", command, NO_AGENCY)
    assert refused.value.code == "no_agency"
    assert await _events(executor.store) == []


async def test_an_agency_that_is_not_registered_cannot_create_a_solicitation():
    executor = executor_at(NOW)
    with pytest.raises(Invalid) as refused:
        await executor.execute(SOLICITATION, "s1", msgspec.structs.replace(create(), jurisdiction=None), BUYER)
    assert refused.value.details == [{"field": "agency", "message": "agency ag1 is not registered"}]
    assert await _events(executor.store) == []


async def test_a_repeated_create_is_answered_once_and_another_is_a_conflict():
    executor = executor_at(NOW)
    first = await executor.execute(SOLICITATION, "s1", create(), BUYER, command_id="create-1")
    again = await executor.execute(SOLICITATION, "s1", create(), BUYER, command_id="create-1")
    assert again.duplicate and again.version == first.version == 1
    with pytest.raises(Conflict):
        await executor.execute(SOLICITATION, "s1", create(), BUYER, command_id="create-2")
    assert [type(e) for e in await _events(executor.store)] == [SolicitationCreated]


async def test_the_deadline_timer_closes_the_published_solicitation_once_its_time_comes():
    executor = executor_at(NOW)
    store = executor.store
    assert isinstance(store, InMemoryEventStore) and isinstance(executor.clock, ManualClock)
    await executor.execute(SOLICITATION, "s1", create(), BUYER)
    await executor.execute(SOLICITATION, "s1", PublishSolicitation(), BUYER)
    closing = [t for t in store.timers.values() if t.kind == CLOSE_TIMER]
    assert len(closing) == 1 and closing[0].due_at == create().terms.submission_deadline

    # The clock of this test moves wherever it needs to (e2e tests share one that only
    # moves forward): just past the deadline the timer's handler closes the solicitation.
    executor.clock.at = closing[0].due_at + timedelta(seconds=1)
    handler = close_handler(executor)
    await handler(closing[0])
    await handler(closing[0])  # a timer fired twice closes once
    state, _ = await executor.load(SOLICITATION, "s1")
    assert state.status == "closed"
    kinds = [type(e) for e in await _events(store)]
    assert kinds == [SolicitationCreated, SolicitationPublished, SolicitationClosed]
