"""Who reads a bid tabulation, and when: decided without servers."""

from __future__ import annotations

import pytest

from events.base import Money
from events.solicitations import Criterion, TabulationEntry
from kernel.context import Actor
from kernel.errors import Conflict, Forbidden, Unauthenticated
from services.solicitations.commands import OpenSolicitation
from services.solicitations.deciders.solicitation import SOLICITATION
from services.solicitations.schemas import tabulation_for
from tests.unit.solicitations.factories import BUYER, NOW, published, system

ENTRY = TabulationEntry(bid_id="b1", vendor_id="v1", price=Money(amount=1_00, currency="USD"), received_at=NOW)


def _opened(**overrides):
    state, _ = published(**overrides)
    events = SOLICITATION.decide(OpenSolicitation(tabulation=[ENTRY]), state, system(state.t.opening_time))
    return SOLICITATION.fold(events, state)


def test_the_tabulation_is_sealed_until_the_opening_for_everyone():
    state, _ = published()
    with pytest.raises(Conflict) as refused:
        tabulation_for(BUYER, state)
    assert refused.value.code == "sealed"


def test_after_the_opening_the_agency_reads_it_and_others_are_refused():
    state = _opened()
    assert tabulation_for(BUYER, state) == [ENTRY]
    assert tabulation_for(Actor(sub="a", role="auditor"), state) == [ENTRY]
    with pytest.raises(Unauthenticated):
        tabulation_for(None, state)
    with pytest.raises(Forbidden) as refused:
        tabulation_for(Actor(sub="v", role="vendor", vendor="v1"), state)
    assert refused.value.code == "not_public"
    evaluator = Actor(sub="e", role="evaluator", agency="ag1")
    with pytest.raises(Forbidden):
        tabulation_for(evaluator, state)
    assert tabulation_for(evaluator, state, evaluator_cleared=True) == [ENTRY]


def test_an_invitation_to_bid_is_opened_in_public():
    price_only = [Criterion(criterion_id="price", name="Price", weight=100, is_price=True)]
    assert tabulation_for(None, _opened(solicitation_type="ITB", criteria=price_only)) == [ENTRY]
