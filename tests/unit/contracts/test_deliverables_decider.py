"""Deliverables, submissions, decisions and overdue notices: every rule, on the pure decider."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec
import pytest

from events.base import Money
from events.contracts import (
    DeliverableAdded,
    DeliverableOverdue,
    DeliverableSubmitted,
    SubmissionDecided,
)
from kernel.context import SYSTEM_ACTOR, Actor, Context
from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from services.contracts.commands import (
    AddDeliverables,
    CompleteContract,
    DecideSubmission,
    MarkOverdue,
    NewDeliverable,
    OpenContract,
    SignContract,
    SubmitDeliverable,
)
from services.contracts.decider import CONTRACT, OVERDUE_TIMER
from services.contracts.deliverables import add_months, schedule_dates

NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
BUYER = Actor(sub="b1", role="buyer", agency="ag1")
OTHER_BUYER = Actor(sub="b2", role="buyer", agency="ag2")
VENDOR = Actor(sub="u1", role="vendor", vendor="v1")
OTHER_VENDOR = Actor(sub="u2", role="vendor", vendor="v2")
ADMIN = Actor(sub="root", role="admin")
DOCS = frozenset({"doc1", "doc2"})


def at(actor, when=NOW):
    return Context(now=when, actor=actor)


def opened():
    command = OpenContract(contract_id="c1", award_id="aw1", solicitation_id="s1", agency_id="ag1",
                           vendor_id="v1", value=Money(amount=1_000_000, currency="USD"),
                           start_date=date(2026, 4, 1), end_date=date(2027, 3, 31), terms_ref="T-1",
                           requires_receipt=False, approval_share=0.25)
    return CONTRACT.run([(command, at(SYSTEM_ACTOR))])[0]


def active():
    return CONTRACT.run([(SignContract(), at(BUYER)), (SignContract(), at(VENDOR))], opened())[0]


def item(**overrides):
    fields = dict(deliverable_id="d1", title="Quarterly bias-test results", schedule="quarterly",
                  first_due=date(2026, 6, 30))
    return NewDeliverable(**(fields | overrides))


def add(*items):
    return AddDeliverables(items=items or (item(),))


def with_deliverable(state=None):
    return CONTRACT.run([(add(), at(BUYER))], state or active())[0]


def submission(**overrides):
    fields = dict(deliverable_id="d1", submission_id="s1", document_id="doc1", statement="Q2 results attached",
                  contract_documents=DOCS)
    return SubmitDeliverable(**(fields | overrides))


def test_a_schedule_expands_to_due_dates_inside_the_term():
    assert schedule_dates(date(2026, 6, 30), "quarterly", date(2027, 3, 31)) == [
        date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 30), date(2027, 3, 30)]
    assert schedule_dates(date(2026, 1, 31), "monthly", date(2026, 4, 30)) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert schedule_dates(date(2026, 4, 1), "annual", date(2027, 3, 31)) == [date(2026, 4, 1)]
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_the_buyer_adds_a_scheduled_deliverable_with_an_overdue_timer_per_due_date():
    state, [event] = CONTRACT.run([(add(), at(BUYER))], active())
    assert isinstance(event, DeliverableAdded) and event.schedule == "quarterly"
    assert event.due_dates == (date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 30), date(2027, 3, 30))
    found = CONTRACT.timers(event)
    assert {t.kind for t in found} == {OVERDUE_TIMER}
    assert [t.due_at for t in found][0] == datetime(2026, 7, 1, tzinfo=UTC)
    # two deliverables due on the same days keep a timer each
    [other] = CONTRACT.decide(add(item(deliverable_id="d2", title="Energy use")), state, at(BUYER))
    assert not {t.timer_id for t in found} & {t.timer_id for t in CONTRACT.timers(other)}


def test_several_deliverables_at_once_are_all_or_nothing():
    events = CONTRACT.decide(add(item(), item(deliverable_id="d2", title="Model card", schedule="annual",
                                              first_due=date(2026, 12, 1))), active(), at(BUYER))
    assert [e.deliverable_id for e in events] == ["d1", "d2"]
    with pytest.raises(Invalid):
        CONTRACT.decide(add(item(), item(deliverable_id="d2", first_due=date(2028, 1, 1))), active(), at(BUYER))


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": " "}, "title"),
    ({"schedule": "weekly"}, "schedule"),
    ({"first_due": None}, "first_due"),
    ({"first_due": date(2026, 3, 31)}, "first_due"),
    ({"first_due": date(2027, 4, 1)}, "first_due"),
    ({"due_dates": (date(2026, 5, 1),)}, "schedule"),
    ({"schedule": None}, "first_due"),
    ({"schedule": None, "first_due": None}, "due_dates"),
    ({"schedule": None, "first_due": None, "due_dates": (date(2026, 5, 1), date(2027, 4, 1))}, "due_dates[1]"),
    ({"schedule": None, "first_due": None, "due_dates": (date(2026, 5, 1), date(2026, 5, 1))}, "due_dates"),
])
def test_a_bad_deliverable_names_the_field(overrides, field):
    with pytest.raises(Invalid) as err:
        CONTRACT.decide(add(item(**overrides)), active(), at(BUYER))
    assert err.value.details[0]["field"] == field


def test_a_schedule_longer_than_the_limit_is_refused():
    with pytest.raises(Invalid) as err:
        schedule_dates(date(2026, 1, 1), "monthly", date(2050, 1, 1))
    assert err.value.details[0]["field"] == "schedule"


def test_deliverables_are_the_agencys_buyers_on_an_open_contract():
    for actor in (OTHER_BUYER, VENDOR, ADMIN):
        with pytest.raises(Forbidden):
            CONTRACT.decide(add(), active(), at(actor))
    with pytest.raises(Conflict):
        CONTRACT.decide(add(), with_deliverable(), at(BUYER))  # the same id twice
    done = CONTRACT.run([(CompleteContract(), at(BUYER))], active())[0]
    with pytest.raises(Conflict):
        CONTRACT.decide(add(), done, at(BUYER))
    with pytest.raises(NotFound):
        CONTRACT.decide(add(), CONTRACT.initial(), at(BUYER))


def test_the_vendor_submits_the_earliest_open_due_date_and_the_buyer_accepts():
    state, [event] = CONTRACT.run([(submission(), at(VENDOR))], with_deliverable())
    assert isinstance(event, DeliverableSubmitted) and event.due_date == date(2026, 6, 30)
    assert state.deliverables["d1"].occurrence_status(date(2026, 6, 30)) == "submitted"
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(submission(submission_id="s2", due_date=date(2026, 6, 30)), state, at(VENDOR))
    assert err.value.code == "submission_pending"
    # the next one is the next due date
    [second] = CONTRACT.decide(submission(submission_id="s2"), state, at(VENDOR))
    assert second.due_date == date(2026, 9, 30)
    state, [decided] = CONTRACT.run([(DecideSubmission(deliverable_id="d1", submission_id="s1", accept=True),
                                      at(BUYER))], state)
    assert isinstance(decided, SubmissionDecided) and decided.accepted
    assert state.deliverables["d1"].occurrence_status(date(2026, 6, 30)) == "accepted"
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(submission(submission_id="s3", due_date=date(2026, 6, 30)), state, at(VENDOR))
    assert err.value.code == "already_accepted"
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(DecideSubmission(deliverable_id="d1", submission_id="s1", accept=False, reason="x"),
                        state, at(BUYER))
    assert err.value.code == "already_decided"


def test_a_rejection_states_its_reason_and_the_vendor_submits_again():
    state = CONTRACT.run([(submission(), at(VENDOR))], with_deliverable())[0]
    reject = DecideSubmission(deliverable_id="d1", submission_id="s1", accept=False)
    with pytest.raises(Invalid) as err:
        CONTRACT.decide(reject, state, at(BUYER))
    assert err.value.details[0]["field"] == "reason"
    state, events = CONTRACT.run([(msgspec.structs.replace(reject, reason="no subgroup results"), at(BUYER))], state)
    assert [type(e) for e in events] == [SubmissionDecided]  # before its due date: not overdue
    assert state.deliverables["d1"].occurrence_status(date(2026, 6, 30)) == "rejected"
    [again] = CONTRACT.decide(submission(submission_id="s2"), state, at(VENDOR))
    assert again.due_date == date(2026, 6, 30)


def test_a_rejection_after_the_due_date_makes_it_overdue_at_once():
    state = CONTRACT.run([(submission(), at(VENDOR))], with_deliverable())[0]
    late = at(BUYER, datetime(2026, 7, 3, tzinfo=UTC))
    state, events = CONTRACT.run([(DecideSubmission(deliverable_id="d1", submission_id="s1", accept=False,
                                                    reason="incomplete"), late)], state)
    assert isinstance(events[-1], DeliverableOverdue) and events[-1].title == "Quarterly bias-test results"
    assert date(2026, 6, 30) in state.deliverables["d1"].overdue


@pytest.mark.parametrize(("command", "field"), [
    (submission(document_id="elsewhere"), "document_id"),
    (submission(statement="  "), "statement"),
    (submission(due_date=date(2026, 7, 1)), "due_date"),
])
def test_a_bad_submission_names_the_field(command, field):
    with pytest.raises(Invalid) as err:
        CONTRACT.decide(command, with_deliverable(), at(VENDOR))
    assert err.value.details[0]["field"] == field


def test_only_the_contracted_vendor_submits_and_only_the_agencys_buyer_decides():
    state = with_deliverable()
    for actor in (OTHER_VENDOR, BUYER, ADMIN):
        with pytest.raises(Forbidden):
            CONTRACT.decide(submission(), state, at(actor))
    with pytest.raises(NotFound):
        CONTRACT.decide(submission(deliverable_id="nope"), state, at(VENDOR))
    with pytest.raises(Conflict):  # a contract not yet active takes no submissions
        CONTRACT.decide(submission(), with_deliverable(opened()), at(VENDOR))
    state = CONTRACT.run([(submission(), at(VENDOR))], state)[0]
    decision = DecideSubmission(deliverable_id="d1", submission_id="s1", accept=True)
    for actor in (OTHER_BUYER, VENDOR, ADMIN):
        with pytest.raises(Forbidden):
            CONTRACT.decide(decision, state, at(actor))
    with pytest.raises(NotFound):
        CONTRACT.decide(msgspec.structs.replace(decision, submission_id="nope"), state, at(BUYER))


def test_nothing_left_to_submit_is_a_conflict():
    one = item(schedule=None, first_due=None, due_dates=(date(2026, 5, 1),))
    state = CONTRACT.run([(add(one), at(BUYER)), (submission(), at(VENDOR))], active())[0]
    with pytest.raises(Conflict) as err:
        CONTRACT.decide(submission(submission_id="s2"), state, at(VENDOR))
    assert err.value.code == "nothing_due"


def test_a_due_date_passing_with_nothing_accepted_or_waiting_is_overdue_once():
    state = with_deliverable()
    mark = MarkOverdue(deliverable_id="d1", due_date=date(2026, 6, 30))
    assert CONTRACT.decide(mark, state, at(SYSTEM_ACTOR, datetime(2026, 6, 30, 23, tzinfo=UTC))) == []
    state, events = CONTRACT.run([(mark, at(SYSTEM_ACTOR, datetime(2026, 7, 1, tzinfo=UTC)))], state)
    assert [type(e) for e in events] == [DeliverableOverdue]
    assert CONTRACT.decide(mark, state, at(SYSTEM_ACTOR, datetime(2026, 7, 2, tzinfo=UTC))) == []
    # a late submission is still taken
    [late] = CONTRACT.decide(submission(), state, at(VENDOR, datetime(2026, 7, 2, tzinfo=UTC)))
    assert late.due_date == date(2026, 6, 30)


def test_a_submitted_or_accepted_delivery_is_not_overdue():
    state = CONTRACT.run([(submission(), at(VENDOR))], with_deliverable())[0]
    mark = MarkOverdue(deliverable_id="d1", due_date=date(2026, 6, 30))
    assert CONTRACT.decide(mark, state, at(SYSTEM_ACTOR, datetime(2026, 7, 1, tzinfo=UTC))) == []
    done = CONTRACT.run([(CompleteContract(), at(BUYER))], with_deliverable())[0]
    assert CONTRACT.decide(mark, done, at(SYSTEM_ACTOR, datetime(2026, 7, 1, tzinfo=UTC))) == []
