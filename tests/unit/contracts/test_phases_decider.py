"""Phases, reviews and options: every rule, on the pure decider."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

from events.base import Money
from events.contracts import (
    ContractModified,
    ContractOption,
    Kpi,
    KpiResult,
    ModificationProposed,
    OptionDeadlineReminded,
    OptionExercised,
    OptionLapsed,
    PhaseAdded,
    PhaseReviewed,
    RenewalStageSet,
    ReviewJustified,
)
from kernel.context import SYSTEM_ACTOR, Actor, Context
from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from services.contracts.commands import (
    AddPhase,
    ApproveModification,
    ExerciseOption,
    JustifyReview,
    LapseOption,
    ModifyContract,
    OpenContract,
    RejectModification,
    RemindOption,
    ReviewPhase,
    SetRenewalStage,
    SignContract,
    TerminateContract,
)
from services.contracts.decider import CONTRACT, OPTION_LAPSE_TIMER, OPTION_REMINDER_TIMER
from services.contracts.phases import check_value, remaining_options

NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
AFTER_PILOT = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
BUYER = Actor(sub="b1", role="buyer", agency="ag1")
OTHER_BUYER = Actor(sub="b2", role="buyer", agency="ag2")
VENDOR = Actor(sub="u1", role="vendor", vendor="v1")
ADMIN = Actor(sub="root", role="admin")
USD = "USD"
DOCS = frozenset({"doc1", "doc2"})


def at(actor, when=NOW):
    return Context(now=when, actor=actor)


def usd(amount):
    return Money(amount=amount, currency=USD)


def opened():
    command = OpenContract(contract_id="c1", award_id="aw1", solicitation_id="s1", agency_id="ag1",
                           vendor_id="v1", value=usd(1_000_000), start_date=date(2026, 4, 1),
                           end_date=date(2027, 3, 31), terms_ref="T-1", requires_receipt=False,
                           approval_share=0.25)
    return CONTRACT.run([(command, at(SYSTEM_ACTOR))])[0]


def active():
    return CONTRACT.run([(SignContract(), at(BUYER)), (SignContract(), at(VENDOR))], opened())[0]


KPIS = (Kpi(name="Uptime", unit="percent", target=99.5, measurement="monitoring, monthly"),
        Kpi(name="Tickets closed", unit="count", target=40, measurement="helpdesk export"))


def option(**overrides):
    fields = dict(option_id="op1", kind="extra_years", description="a second year", added_value=usd(200_000),
                  exercise_deadline=date(2026, 9, 30), extend_to=date(2028, 3, 31))
    return ContractOption(**(fields | overrides))


def pilot(**overrides):
    fields = dict(phase_id="p1", kind="pilot", name="Pilot at two sites", budget=usd(100_000),
                  start_date=date(2026, 4, 1), end_date=date(2026, 6, 30), kpis=KPIS, options=(option(),))
    return AddPhase(**(fields | overrides))


def with_pilot(state=None):
    return CONTRACT.run([(pilot(), at(BUYER))], state or active())[0]


def results(uptime=99.7, met_uptime=True, tickets=44, evidence=("doc1",)):
    return (KpiResult(kpi="Uptime", measured=uptime, met=met_uptime, evidence=evidence),
            KpiResult(kpi="Tickets closed", measured=tickets, met=True, evidence=evidence))


def review(**overrides):
    fields = dict(phase_id="p1", review_id="r1", results=results(), contract_documents=DOCS)
    return ReviewPhase(**(fields | overrides))


def reviewed(passed=True):
    command = review() if passed else review(results=results(uptime=97.0, met_uptime=False))
    return CONTRACT.run([(command, at(BUYER, AFTER_PILOT))], with_pilot())[0]


def test_the_buyer_adds_a_pilot_with_kpis_and_options():
    state, events = CONTRACT.run([(pilot(), at(BUYER))], active())
    assert [type(e) for e in events] == [PhaseAdded]
    assert state.phases["p1"].added.kpis == KPIS and state.options["op1"].status == "open"
    assert state.options["op1"].phase_id == "p1"
    # phases may be planned before the signatures too
    assert isinstance(CONTRACT.decide(pilot(), opened(), at(BUYER))[0], PhaseAdded)


@pytest.mark.parametrize("actor", [OTHER_BUYER, VENDOR, ADMIN])
def test_only_the_agencys_buyer_adds_phases(actor):
    with pytest.raises(Forbidden):
        CONTRACT.decide(pilot(), active(), at(actor))


def test_phases_need_an_open_contract_and_a_new_id():
    with pytest.raises(NotFound):
        CONTRACT.decide(pilot(), CONTRACT.initial(), at(BUYER))
    with pytest.raises(Conflict):
        CONTRACT.decide(pilot(), with_pilot(), at(BUYER))
    ended = CONTRACT.run([(TerminateContract(reason="gone"), at(BUYER))], active())[0]
    with pytest.raises(Conflict):
        CONTRACT.decide(pilot(), ended, at(BUYER))


@pytest.mark.parametrize(("overrides", "field"), [
    ({"kind": "trial"}, "kind"),
    ({"name": "  "}, "name"),
    ({"budget": Money(amount=10, currency="EUR")}, "budget.currency"),
    ({"budget": usd(0)}, "budget.amount"),
    ({"budget": usd(1_000_001)}, "budget.amount"),
    ({"start_date": date(2026, 3, 31)}, "start_date"),
    ({"end_date": date(2027, 4, 1)}, "end_date"),
    ({"start_date": date(2026, 6, 1), "end_date": date(2026, 5, 1)}, "end_date"),
    ({"follows": "p0"}, "follows"),
    ({"kpis": ()}, "kpis"),
    ({"kpis": (Kpi(name=" ", unit="percent", target=1, measurement="m"),)}, "kpis[0].name"),
    ({"kpis": (KPIS[0], KPIS[0])}, "kpis[1].name"),
    ({"kpis": (Kpi(name="x", unit="furlongs", target=1, measurement="m"),)}, "kpis[0].unit"),
    ({"kpis": (Kpi(name="x", unit="percent", target=101, measurement="m"),)}, "kpis[0].target"),
    ({"kpis": (Kpi(name="x", unit="count", target=2.5, measurement="m"),)}, "kpis[0].target"),
    ({"kpis": (Kpi(name="x", unit="ratio", target=0.5, measurement=" "),)}, "kpis[0].measurement"),
    ({"options": (option(kind="bonus"),)}, "options[0].kind"),
    ({"options": (option(description=" "),)}, "options[0].description"),
    ({"options": (option(added_value=Money(amount=1, currency="EUR")),)}, "options[0].added_value.currency"),
    ({"options": (option(exercise_deadline=date(2027, 4, 1)),)}, "options[0].exercise_deadline"),
    ({"options": (option(exercise_deadline=date(2026, 6, 30)),)}, "options[0].exercise_deadline"),
    ({"options": (option(extend_to=None),)}, "options[0].extend_to"),
    ({"options": (option(extend_to=date(2027, 3, 31)),)}, "options[0].extend_to"),
    ({"options": (option(quantity=5),)}, "options[0].quantity"),
    ({"options": (option(kind="extra_quantity", extend_to=None),)}, "options[0].quantity"),
    ({"options": (option(kind="extra_quantity", extend_to=None, quantity=0),)}, "options[0].quantity"),
    ({"options": (option(), option())}, "options[1].option_id"),
])
def test_a_bad_phase_names_the_field(overrides, field):
    with pytest.raises(Invalid) as err:
        CONTRACT.decide(pilot(**overrides), active(), at(BUYER))
    assert err.value.details[0]["field"] == field


def test_a_scale_up_follows_a_phase_and_starts_after_it_ends():
    state = with_pilot()
    scale = pilot(phase_id="p2", kind="scale_up", name="City-wide", follows="p1", options=(),
                  start_date=date(2026, 7, 1), end_date=date(2026, 12, 31))
    with pytest.raises(Invalid) as err:
        CONTRACT.decide(msgspec.structs.replace(scale, follows=None), state, at(BUYER))
    assert err.value.details[0]["field"] == "follows"
    with pytest.raises(Invalid) as err:
        CONTRACT.decide(msgspec.structs.replace(scale, start_date=date(2026, 6, 30)), state, at(BUYER))
    assert err.value.details[0]["field"] == "start_date"
    with pytest.raises(Invalid):  # a pilot follows nothing
        CONTRACT.decide(msgspec.structs.replace(scale, kind="pilot"), state, at(BUYER))
    with pytest.raises(Invalid):  # option ids are unique across the contract
        CONTRACT.decide(msgspec.structs.replace(scale, options=(option(),)), state, at(BUYER))
    assert isinstance(CONTRACT.decide(scale, state, at(BUYER))[0], PhaseAdded)


def test_each_option_gets_a_reminder_before_its_deadline_and_a_lapse_after():
    [event] = CONTRACT.decide(pilot(options=(option(), option(option_id="op2"))), active(), at(BUYER))
    found = CONTRACT.timers(event)
    reminders = [t for t in found if t.kind == OPTION_REMINDER_TIMER]
    lapses = [t for t in found if t.kind == OPTION_LAPSE_TIMER]
    assert [t.due_at for t in reminders] == [datetime(2026, 8, 31, tzinfo=UTC)] * 2
    assert [t.due_at for t in lapses] == [datetime(2026, 10, 1, tzinfo=UTC)] * 2
    assert len({t.timer_id for t in found}) == 4, "two options due the same day keep a timer each"
    assert {t.payload["option_id"] for t in lapses} == {"op1", "op2"}


def test_a_reminder_already_behind_is_not_set():
    late = at(BUYER, datetime(2026, 9, 15, tzinfo=UTC))
    [event] = CONTRACT.decide(pilot(start_date=date(2026, 8, 1), end_date=date(2026, 9, 1)), active(), late)
    assert [t.kind for t in CONTRACT.timers(event)] == [OPTION_LAPSE_TIMER]


@pytest.mark.parametrize("value", [-1, 101, float("nan"), float("inf")])
def test_a_percent_outside_its_range_does_not_fit(value):
    with pytest.raises(Invalid):
        check_value("percent", value, "x")


def test_the_buyer_reviews_an_ended_phase_once():
    state, events = CONTRACT.run([(review(), at(BUYER, AFTER_PILOT))], with_pilot())
    assert [type(e) for e in events] == [PhaseReviewed] and events[0].passed
    assert state.phases["p1"].cleared
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(review(review_id="r2"), state, at(BUYER, AFTER_PILOT))
    assert err.value.code == "already_reviewed"


def test_a_phase_that_has_not_ended_is_not_reviewed():
    on_the_last_day = at(BUYER, datetime(2026, 6, 30, 23, 0, tzinfo=UTC))
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(review(), with_pilot(), on_the_last_day)
    assert err.value.code == "phase_not_ended"


@pytest.mark.parametrize("actor", [OTHER_BUYER, VENDOR, ADMIN])
def test_only_the_agencys_buyer_reviews(actor):
    with pytest.raises(Forbidden):
        CONTRACT.decide(review(), with_pilot(), at(actor, AFTER_PILOT))


def test_reviews_need_an_active_contract_and_a_known_phase():
    with pytest.raises(NotFound):
        CONTRACT.decide(review(phase_id="nope"), with_pilot(), at(BUYER, AFTER_PILOT))
    pending = with_pilot(opened())
    with pytest.raises(Conflict):
        CONTRACT.decide(review(), pending, at(BUYER, AFTER_PILOT))


@pytest.mark.parametrize(("command", "field"), [
    (review(results=(KpiResult(kpi="Latency", measured=1, met=True, evidence=("doc1",)),)), "results[0].kpi"),
    (review(results=(*results(), results()[0])), "results[2].kpi"),
    (review(results=results()[:1]), "results"),
    (review(results=results(uptime=100.5)), "results[0].measured"),
    (review(results=results(tickets=3.5)), "results[1].measured"),
    (review(results=results(evidence=())), "results[0].evidence"),
    (review(results=results(evidence=("doc1", "elsewhere"))), "results[0].evidence[1]"),
])
def test_a_bad_review_names_the_field(command, field):
    with pytest.raises(Invalid) as err:
        CONTRACT.decide(command, with_pilot(), at(BUYER, AFTER_PILOT))
    assert err.value.details[0]["field"] == field


def test_a_review_that_did_not_meet_its_kpis_blocks_what_follows():
    state = reviewed(passed=False)
    assert not state.phases["p1"].review.passed and not state.phases["p1"].cleared
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(ExerciseOption(option_id="op1"), state, at(BUYER, AFTER_PILOT))
    assert err.value.code == "review_not_met"
    scale = pilot(phase_id="p2", kind="scale_up", follows="p1", options=(), start_date=date(2026, 7, 1),
                  end_date=date(2026, 8, 31))
    state = CONTRACT.run([(scale, at(BUYER, AFTER_PILOT))], state)[0]
    with pytest.raises(Conflict) as err:  # the scale-up cannot be reviewed: it may not go ahead
        CONTRACT.decide(review(phase_id="p2"), state, at(BUYER, datetime(2026, 9, 2, tzinfo=UTC)))
    assert err.value.code == "scale_up_blocked"


def test_an_approver_justifies_going_on_after_a_review_that_did_not_pass():
    state = reviewed(passed=False)
    justify = JustifyReview(phase_id="p1", review_id="r1", justification="the outage was the city's network")
    with pytest.raises(Forbidden):
        CONTRACT.decide(justify, state, at(BUYER, AFTER_PILOT))
    with pytest.raises(NotFound):
        CONTRACT.decide(msgspec.structs.replace(justify, review_id="r9"), state, at(ADMIN, AFTER_PILOT))
    with pytest.raises(Invalid) as err:
        CONTRACT.decide(msgspec.structs.replace(justify, justification=" "), state, at(ADMIN, AFTER_PILOT))
    assert err.value.details[0]["field"] == "justification"
    state, events = CONTRACT.run([(justify, at(ADMIN, AFTER_PILOT))], state)
    assert [type(e) for e in events] == [ReviewJustified] and state.phases["p1"].cleared
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(justify, state, at(ADMIN, AFTER_PILOT))
    assert err.value.code == "already_justified"
    # now the option may be exercised
    events = CONTRACT.decide(ExerciseOption(option_id="op1"), state, at(BUYER, AFTER_PILOT))
    assert isinstance(events[0], OptionExercised)


def test_a_passing_review_needs_no_justification_and_an_unreviewed_phase_has_none():
    justify = JustifyReview(phase_id="p1", review_id="r1", justification="why not")
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(justify, reviewed(), at(ADMIN, AFTER_PILOT))
    assert err.value.code == "review_passed"
    with pytest.raises(NotFound):
        CONTRACT.decide(justify, with_pilot(), at(ADMIN, AFTER_PILOT))


def test_an_option_is_exercised_only_after_the_review_of_the_phase_before():
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(ExerciseOption(option_id="op1"), with_pilot(), at(BUYER, AFTER_PILOT))
    assert err.value.code == "review_required"


def test_exercising_an_option_amends_value_and_term_within_the_share():
    state = reviewed()
    small = pilot(phase_id="p9", options=(option(option_id="op9", kind="extra_quantity", extend_to=None,
                                                 quantity=500, added_value=usd(250_000)),))
    state = CONTRACT.run([(small, at(BUYER))], state)[0]
    state, events = CONTRACT.run([(ExerciseOption(option_id="op1", reason="pilot met its KPIs"),
                                   at(BUYER, AFTER_PILOT))], state)
    exercised, modified = events
    assert isinstance(exercised, OptionExercised) and exercised.number == 1
    assert isinstance(modified, ContractModified) and modified.kind == "option_exercise"
    assert modified.value == usd(1_200_000) and modified.end_date == date(2028, 3, 31)
    assert "pilot met its KPIs" in modified.reason
    assert state.options["op1"].status == "exercised" and state.options["op1"].number == 1
    assert state.value == usd(1_200_000) and state.end_date == date(2028, 3, 31)
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(ExerciseOption(option_id="op1"), state, at(BUYER, AFTER_PILOT))
    assert err.value.code == "option_exercised"


def test_an_option_beyond_the_share_waits_for_an_admin_and_a_rejection_reopens_it():
    state = reviewed()
    big = pilot(phase_id="p9", options=(option(option_id="op9", added_value=usd(600_000),
                                               extend_to=date(2029, 3, 31)),))
    state = CONTRACT.run([(big, at(BUYER))], state)[0]
    state = CONTRACT.run([(review(phase_id="p9", review_id="r9"), at(BUYER, AFTER_PILOT))], state)[0]
    state, events = CONTRACT.run([(ExerciseOption(option_id="op9"), at(BUYER, AFTER_PILOT))], state)
    assert isinstance(events[1], ModificationProposed) and events[1].kind == "option_exercise"
    assert state.options["op9"].status == "awaiting_approval" and state.value == usd(1_000_000)
    with pytest.raises(Conflict) as err:  # one amendment waits at a time, as for any amendment
        CONTRACT.decide(ExerciseOption(option_id="op1"), state, at(BUYER, AFTER_PILOT))
    assert err.value.code == "modification_pending"
    rejected, _ = CONTRACT.run([(RejectModification(number=1, reason="no budget"), at(ADMIN, AFTER_PILOT))], state)
    assert rejected.options["op9"].status == "open" and not rejected.option_amendments
    # the freed number carries an ordinary amendment next: the option stays open
    rejected, _ = CONTRACT.run([(ModifyContract(kind="value_change", reason="drains", value=usd(1_100_000)),
                                 at(BUYER, AFTER_PILOT))], rejected)
    assert rejected.options["op9"].status == "open" and rejected.amendments[-1].number == 1
    approved, _ = CONTRACT.run([(ApproveModification(number=1), at(ADMIN, AFTER_PILOT))], state)
    assert approved.options["op9"].status == "exercised" and approved.value == usd(1_600_000)


def test_an_admin_exercises_beyond_the_share_directly():
    state = reviewed()
    big = pilot(phase_id="p9", options=(option(option_id="op9", added_value=usd(600_000)),))
    state = CONTRACT.run([(big, at(BUYER)), (review(phase_id="p9", review_id="r9"), at(BUYER, AFTER_PILOT))],
                         state)[0]
    events = CONTRACT.decide(ExerciseOption(option_id="op9"), state, at(ADMIN, AFTER_PILOT))
    assert isinstance(events[1], ContractModified) and events[1].approved_by == "root"


def test_an_option_rejected_after_its_deadline_lapses_at_once():
    state = reviewed()
    big = pilot(phase_id="p9", options=(option(option_id="op9", added_value=usd(600_000)),))
    state = CONTRACT.run([(big, at(BUYER)), (review(phase_id="p9", review_id="r9"), at(BUYER, AFTER_PILOT)),
                          (ExerciseOption(option_id="op9"), at(BUYER, AFTER_PILOT))], state)[0]
    late = at(ADMIN, datetime(2026, 10, 5, tzinfo=UTC))
    state, events = CONTRACT.run([(RejectModification(number=1, reason="too late, too much"), late)], state)
    assert isinstance(events[-1], OptionLapsed) and state.options["op9"].status == "lapsed"


def test_options_are_exercised_by_the_buyer_before_the_deadline_on_an_active_contract():
    state = reviewed()
    for actor in (OTHER_BUYER, VENDOR):
        with pytest.raises(Forbidden):
            CONTRACT.decide(ExerciseOption(option_id="op1"), state, at(actor, AFTER_PILOT))
    with pytest.raises(NotFound):
        CONTRACT.decide(ExerciseOption(option_id="nope"), state, at(BUYER, AFTER_PILOT))
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(ExerciseOption(option_id="op1"), state, at(BUYER, datetime(2026, 10, 1, tzinfo=UTC)))
    assert err.value.code == "deadline_passed"
    # an amendment already moved the term past the option's new end: the option is outdated
    longer = CONTRACT.run([(ModifyContract(kind="time_extension", reason="delay", end_date=date(2028, 6, 30)),
                            at(BUYER, AFTER_PILOT))], state)[0]
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(ExerciseOption(option_id="op1"), longer, at(BUYER, AFTER_PILOT))
    assert err.value.code == "option_outdated"


def test_the_reminder_and_the_lapse_of_an_unexercised_option():
    state = reviewed()
    remind = RemindOption(option_id="op1", exercise_deadline=date(2026, 9, 30), days_before=30)
    state, events = CONTRACT.run([(remind, at(SYSTEM_ACTOR, datetime(2026, 8, 31, tzinfo=UTC)))], state)
    assert [type(e) for e in events] == [OptionDeadlineReminded] and events[0].description == "a second year"
    assert CONTRACT.decide(remind, state, at(SYSTEM_ACTOR)) == []  # once
    lapse = LapseOption(option_id="op1", exercise_deadline=date(2026, 9, 30))
    assert CONTRACT.decide(lapse, state, at(SYSTEM_ACTOR, datetime(2026, 9, 30, 23, tzinfo=UTC))) == []
    state, events = CONTRACT.run([(lapse, at(SYSTEM_ACTOR, datetime(2026, 10, 1, tzinfo=UTC)))], state)
    assert [type(e) for e in events] == [OptionLapsed] and state.options["op1"].status == "lapsed"
    assert CONTRACT.decide(lapse, state, at(SYSTEM_ACTOR, datetime(2026, 10, 2, tzinfo=UTC))) == []
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(ExerciseOption(option_id="op1"), state, at(BUYER, datetime(2026, 9, 1, tzinfo=UTC)))
    assert err.value.code == "option_lapsed"


def test_an_exercised_option_neither_reminds_nor_lapses():
    state = CONTRACT.run([(ExerciseOption(option_id="op1"), at(BUYER, AFTER_PILOT))], reviewed())[0]
    assert CONTRACT.decide(RemindOption(option_id="op1", exercise_deadline=date(2026, 9, 30), days_before=30),
                           state, at(SYSTEM_ACTOR)) == []
    assert CONTRACT.decide(LapseOption(option_id="op1", exercise_deadline=date(2026, 9, 30)), state,
                           at(SYSTEM_ACTOR, datetime(2026, 10, 1, tzinfo=UTC))) == []


def test_the_renewal_stage_is_recorded_by_the_buyer_with_its_time():
    state = with_pilot()
    later = at(BUYER, NOW + timedelta(days=3))
    state, events = CONTRACT.run([(SetRenewalStage(stage="plan", note="start early"), at(BUYER)),
                                  (SetRenewalStage(stage="exercise_option"), later)], state)
    assert [type(e) for e in events] == [RenewalStageSet] * 2
    assert state.renewal[-1].stage == "exercise_option" and state.renewal[-1].set_at == later.now
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(SetRenewalStage(stage="exercise_option"), state, later)
    assert err.value.code == "stage_unchanged"
    with pytest.raises(Invalid) as err:
        CONTRACT.decide(SetRenewalStage(stage="dither"), state, later)
    assert err.value.details[0]["field"] == "stage"
    for actor in (OTHER_BUYER, VENDOR, ADMIN):
        with pytest.raises(Forbidden):
            CONTRACT.decide(SetRenewalStage(stage="re_compete"), state, at(actor))


def test_exercise_option_as_a_stage_needs_an_option_left():
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(SetRenewalStage(stage="exercise_option"), active(), at(BUYER))
    assert err.value.code == "no_open_option"
    state = with_pilot()
    assert remaining_options(state, date(2026, 9, 30)) == ["op1"]
    assert remaining_options(state, date(2026, 10, 1)) == []
