"""A solicitation's price schedule and cooperative statement: what each may say, that the
statement is public with the publication, and that after publishing only an addendum
changes it."""

from __future__ import annotations

import msgspec
import pytest

from events.base import Money
from events.solicitations import (
    AddendumPublished,
    CooperativeStatement,
    PriceSchedule,
    ScheduleLine,
    SolicitationCreated,
    SolicitationPublished,
)
from kernel.errors import Conflict, Invalid
from services.solicitations.commands import PublishAddendum, TermsPatch, UpdateSolicitation
from services.solicitations.deciders.solicitation import SOLICITATION
from services.solicitations.facts import SolicitationFacts, evolve
from tests.unit.solicitations.factories import NOW, at, create, published

LINE = ScheduleLine(item_id="salt", description="Road salt", commodity_code="12352301", unit="ton",
                    estimated_quantity=1000)
SCHEDULE = PriceSchedule(lines=[LINE, msgspec.structs.replace(LINE, item_id="brine", unit="gallon")],
                         escalation_cap_percent=3.0)
TEXAS = CooperativeStatement(eligible="jurisdictions", jurisdictions=["US-TX"],
                             total_ceiling=Money(amount=1_000_000_00, currency="USD"),
                             participant_ceiling=Money(amount=100_000_00, currency="USD"))


def _field(exc: pytest.ExceptionInfo[Invalid]) -> str:
    return exc.value.details[0]["field"]


def test_a_draft_carries_its_schedule_and_statement_with_the_soliciting_agency_as_lead():
    state, [created] = SOLICITATION.run([(create(price_schedule=SCHEDULE, cooperative=TEXAS), at(NOW))])
    assert isinstance(created, SolicitationCreated)
    assert created.price_schedule == SCHEDULE
    assert created.cooperative == msgspec.structs.replace(TEXAS, lead_agency_id="ag1")
    assert state.t.cooperative.lead_agency_id == "ag1"


def test_a_named_lead_agency_is_kept():
    _, [created] = SOLICITATION.run([(create(cooperative=msgspec.structs.replace(TEXAS, lead_agency_id="coop-1")),
                                      at(NOW))])
    assert created.cooperative.lead_agency_id == "coop-1"


@pytest.mark.parametrize(("schedule", "field"), [
    (PriceSchedule(lines=[]), "price_schedule.lines"),
    (PriceSchedule(lines=[LINE, LINE]), "price_schedule.lines[1].item_id"),
    (PriceSchedule(lines=[msgspec.structs.replace(LINE, estimated_quantity=0)]),
     "price_schedule.lines[0].estimated_quantity"),
    (PriceSchedule(lines=[msgspec.structs.replace(LINE, description=" ")]), "price_schedule.lines[0].description"),
    (PriceSchedule(lines=[msgspec.structs.replace(LINE, unit="")]), "price_schedule.lines[0].unit"),
    (PriceSchedule(lines=[msgspec.structs.replace(LINE, commodity_code="x")]),
     "price_schedule.lines[0].commodity_code"),
    (PriceSchedule(lines=[LINE], escalation_cap_percent=101), "price_schedule.escalation_cap_percent"),
])
def test_a_schedule_names_each_line_once_with_a_positive_quantity(schedule, field):
    with pytest.raises(Invalid) as exc:
        SOLICITATION.run([(create(price_schedule=schedule), at(NOW))])
    assert _field(exc) == field


def test_an_rfi_has_no_schedule():
    with pytest.raises(Invalid) as exc:
        SOLICITATION.run([(create(solicitation_type="RFI", criteria=[], price_schedule=SCHEDULE), at(NOW))])
    assert _field(exc) == "price_schedule"


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


@pytest.mark.parametrize(("statement", "field"), [
    (CooperativeStatement(eligible="anyone"), "cooperative.eligible"),
    (CooperativeStatement(eligible="agencies"), "cooperative.agencies"),
    (CooperativeStatement(eligible="jurisdictions"), "cooperative.jurisdictions"),
    (CooperativeStatement(eligible="all", agencies=["ag2"]), "cooperative.agencies"),
    (CooperativeStatement(eligible="jurisdictions", jurisdictions=["texas"]), "cooperative.jurisdictions[0]"),
    (CooperativeStatement(eligible="all", total_ceiling=Money(amount=1, currency="EUR")),
     "cooperative.total_ceiling.currency"),
    (CooperativeStatement(eligible="all", participant_ceiling=usd(0)), "cooperative.participant_ceiling.amount"),
    (CooperativeStatement(eligible="all", total_ceiling=usd(100), participant_ceiling=usd(200)),
     "cooperative.participant_ceiling"),
])
def test_a_cooperative_statement_is_precise(statement, field):
    with pytest.raises(Invalid) as exc:
        SOLICITATION.run([(create(cooperative=statement), at(NOW))])
    assert _field(exc) == field


def test_the_statement_is_public_with_the_publication():
    _, events = published(cooperative=TEXAS)
    [publication] = [e for e in events if isinstance(e, SolicitationPublished)]
    assert publication.cooperative is not None and publication.cooperative.jurisdictions == ["US-TX"]


def test_a_draft_edit_changes_the_statement_but_after_publishing_only_an_addendum_does():
    state, _ = SOLICITATION.run([(create(cooperative=TEXAS), at(NOW))])
    everyone = CooperativeStatement(eligible="all")
    state, [updated] = SOLICITATION.run([(UpdateSolicitation(patch=TermsPatch(cooperative=everyone)), at(NOW))],
                                        state)
    assert updated.cooperative.eligible == "all" and updated.cooperative.lead_agency_id == "ag1"
    state, _ = published(cooperative=TEXAS)
    with pytest.raises(Conflict) as exc:
        SOLICITATION.run([(UpdateSolicitation(patch=TermsPatch(cooperative=everyone)), at(NOW))], state)
    assert exc.value.code == "not_draft"
    state, [addendum] = SOLICITATION.run([(PublishAddendum(summary="Open to all", changes="", cooperative=everyone),
                                           at(NOW))], state)
    assert isinstance(addendum, AddendumPublished) and addendum.cooperative.eligible == "all"
    assert state.t.cooperative.eligible == "all"
    with pytest.raises(Invalid):
        SOLICITATION.run([(PublishAddendum(summary="Bad", changes="",
                                           cooperative=CooperativeStatement(eligible="agencies")), at(NOW))], state)


def test_the_facts_carry_the_schedule_and_the_statement_as_it_stands():
    _, events = published(price_schedule=SCHEDULE, cooperative=TEXAS)
    facts = SolicitationFacts()
    for event in events:
        facts = evolve(facts, event)
    assert facts.price_schedule == SCHEDULE and facts.cooperative.jurisdictions == ["US-TX"]
    changed = AddendumPublished(solicitation_id="s1", number=1, summary="s", changes="",
                                submission_deadline=NOW, cooperative=CooperativeStatement(eligible="all"))
    assert evolve(facts, changed).cooperative.eligible == "all"
    plain = AddendumPublished(solicitation_id="s1", number=2, summary="s", changes="", submission_deadline=NOW)
    assert evolve(evolve(facts, changed), plain).cooperative.eligible == "all"
