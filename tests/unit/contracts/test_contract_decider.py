"""Contract rules: opening, signatures, amendments, expiry, ratings, ending."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from events.base import Money
from events.contracts import (
    ContractActivated,
    ContractCompleted,
    ContractExpiryNoticed,
    ContractModified,
    ContractOpened,
    ContractSigned,
    ContractTerminated,
    ModificationProposed,
    ModificationRejected,
    PerformanceRated,
    PerformanceResponded,
)
from kernel.context import SYSTEM_ACTOR, Actor, Context
from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from services.contracts.commands import (
    ApproveModification,
    CompleteContract,
    EndTerm,
    ModifyContract,
    OpenContract,
    RatePerformance,
    RecordExpiryNotice,
    RejectModification,
    RespondToRating,
    SignContract,
    TerminateContract,
)
from services.contracts.decider import CONTRACT, END_OF_TERM_TIMER, EXPIRY_NOTICE_TIMER

NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
BUYER = Actor(sub="b1", role="buyer", agency="ag1")
OTHER_BUYER = Actor(sub="b2", role="buyer", agency="ag2")
VENDOR = Actor(sub="u1", role="vendor", vendor="v1")
OTHER_VENDOR = Actor(sub="u2", role="vendor", vendor="v2")
ADMIN = Actor(sub="root", role="admin")


def at(actor, when=NOW):
    return Context(now=when, actor=actor)


def open_command(**overrides):
    fields = dict(contract_id="c1", award_id="aw1", solicitation_id="s1", agency_id="ag1",
                  vendor_id="v1", value=Money(amount=1_000_000, currency="USD"),
                  start_date=date(2026, 4, 1), end_date=date(2027, 3, 31), terms_ref="T-1",
                  requires_receipt=True, approval_share=0.25)
    return OpenContract(**(fields | overrides))


def opened():
    return CONTRACT.run([(open_command(), at(SYSTEM_ACTOR))])[0]


def active():
    return CONTRACT.run([(SignContract(), at(BUYER)), (SignContract(), at(VENDOR))], opened())[0]


def test_only_a_final_award_opens_a_contract():
    with pytest.raises(Forbidden):
        CONTRACT.decide(open_command(), CONTRACT.initial(), at(ADMIN))
    state, events = CONTRACT.run([(open_command(), at(SYSTEM_ACTOR))])
    assert isinstance(events[0], ContractOpened) and state.status == "pending"
    with pytest.raises(Conflict):
        CONTRACT.decide(open_command(), state, at(SYSTEM_ACTOR))


def test_both_parties_sign_then_the_contract_is_active():
    state, events = CONTRACT.run([(SignContract(), at(VENDOR))], opened())
    assert [type(e) for e in events] == [ContractSigned] and state.status == "pending"
    state, events = CONTRACT.run([(SignContract(), at(BUYER))], state)
    assert [type(e) for e in events] == [ContractSigned, ContractActivated]
    assert events[0].party == "buyer" and state.status == "active"


def test_strangers_cannot_sign_and_nobody_signs_twice():
    for actor in (OTHER_BUYER, OTHER_VENDOR, ADMIN):
        with pytest.raises(Forbidden):
            CONTRACT.decide(SignContract(), opened(), at(actor))
    state, _ = CONTRACT.run([(SignContract(), at(VENDOR))], opened())
    with pytest.raises(Conflict):
        CONTRACT.decide(SignContract(), state, at(VENDOR))


def test_an_unknown_contract_is_not_found():
    with pytest.raises(NotFound):
        CONTRACT.decide(SignContract(), CONTRACT.initial(), at(BUYER))


def test_activation_schedules_the_expiry_notices_and_the_end():
    [_, activated] = CONTRACT.decide(SignContract(), CONTRACT.run([(SignContract(), at(VENDOR))], opened())[0],
                                     at(BUYER))
    timers = CONTRACT.timers(activated)
    notices = sorted((t.payload["days_before"], t.due_at) for t in timers if t.kind == EXPIRY_NOTICE_TIMER)
    assert notices == [(30, datetime(2027, 3, 1, tzinfo=UTC)), (60, datetime(2027, 1, 30, tzinfo=UTC)),
                       (90, datetime(2026, 12, 31, tzinfo=UTC))]
    [end] = [t for t in timers if t.kind == END_OF_TERM_TIMER]
    assert end.due_at == datetime(2027, 4, 1, tzinfo=UTC)


def test_a_short_contract_gets_only_the_notices_still_ahead():
    state = CONTRACT.run([(open_command(end_date=date(2026, 5, 15)), at(SYSTEM_ACTOR)),
                          (SignContract(), at(VENDOR))])[0]
    [_, activated] = CONTRACT.decide(SignContract(), state, at(BUYER))
    assert [t.payload["days_before"] for t in CONTRACT.timers(activated)
            if t.kind == EXPIRY_NOTICE_TIMER] == [30]


def test_expiry_notices_once_and_only_for_the_current_end_date():
    state = active()
    notice = RecordExpiryNotice(days_before=90, end_date=date(2027, 3, 31))
    state, events = CONTRACT.run([(notice, at(SYSTEM_ACTOR))], state)
    assert events == [ContractExpiryNoticed(contract_id="c1", days_before=90, end_date=date(2027, 3, 31))]
    assert CONTRACT.decide(notice, state, at(SYSTEM_ACTOR)) == []
    stale = RecordExpiryNotice(days_before=60, end_date=date(2026, 12, 31))
    assert CONTRACT.decide(stale, state, at(SYSTEM_ACTOR)) == []


def test_the_term_ends_on_its_end_date():
    state, events = CONTRACT.run([(EndTerm(end_date=date(2027, 3, 31)), at(SYSTEM_ACTOR))], active())
    assert isinstance(events[0], ContractCompleted) and state.status == "completed"
    assert CONTRACT.decide(EndTerm(end_date=date(2027, 3, 31)), opened(), at(SYSTEM_ACTOR)) == []


def test_amendments_are_numbered_with_their_reason():
    state, events = CONTRACT.run([
        (ModifyContract(kind="value_change", reason="extra site", value=Money(amount=1_200_000, currency="USD")),
         at(BUYER)),
        (ModifyContract(kind="time_extension", reason="delay", end_date=date(2027, 6, 30)), at(BUYER))],
        active())
    assert [(e.number, e.reason, e.value.amount, e.end_date) for e in events] == [
        (1, "extra site", 1_200_000, date(2027, 3, 31)), (2, "delay", 1_200_000, date(2027, 6, 30))]
    assert state.value.amount == 1_200_000 and state.end_date == date(2027, 6, 30)
    timers = CONTRACT.timers(events[1])
    assert {t.payload["end_date"] for t in timers} == {"2027-06-30"}


def test_an_amendment_beyond_the_share_waits_for_an_admin():
    change = ModifyContract(kind="option_exercise", reason="phase 2", value=Money(amount=1_300_000, currency="USD"))
    state, events = CONTRACT.run([(change, at(BUYER))], active())
    assert isinstance(events[0], ModificationProposed) and state.value.amount == 1_000_000
    with pytest.raises(Conflict):
        CONTRACT.decide(change, state, at(BUYER))
    with pytest.raises(Forbidden):
        CONTRACT.decide(ApproveModification(number=1), state, at(BUYER))
    state, events = CONTRACT.run([(ApproveModification(number=1), at(ADMIN))], state)
    assert isinstance(events[0], ContractModified) and events[0].approved_by == "root"
    assert state.value.amount == 1_300_000 and not state.proposals


def test_a_rejected_amendment_frees_its_number():
    change = ModifyContract(kind="value_change", reason="scope", value=Money(amount=500_000, currency="USD"))
    state, _ = CONTRACT.run([(change, at(BUYER))], active())
    state, events = CONTRACT.run([(RejectModification(number=1, reason="too much"), at(ADMIN))], state)
    assert isinstance(events[0], ModificationRejected) and state.value.amount == 1_000_000
    _, events = CONTRACT.run([(ModifyContract(kind="value_change", reason="smaller",
                                              value=Money(amount=900_000, currency="USD")), at(BUYER))], state)
    assert events[0].number == 1


def test_an_admin_amends_beyond_the_share_directly():
    _, events = CONTRACT.run([(ModifyContract(kind="value_change", reason="emergency",
                                              value=Money(amount=2_000_000, currency="USD")), at(ADMIN))], active())
    assert isinstance(events[0], ContractModified) and events[0].approved_by == "root"


@pytest.mark.parametrize("command, field", [
    (ModifyContract(kind="whim", reason="x", end_date=date(2027, 5, 1)), "kind"),
    (ModifyContract(kind="other", reason=" ", end_date=date(2027, 5, 1)), "reason"),
    (ModifyContract(kind="other", reason="x"), "value"),
    (ModifyContract(kind="other", reason="x", value=Money(amount=1, currency="EUR")), "value.currency"),
    (ModifyContract(kind="other", reason="x", end_date=date(2026, 1, 1)), "end_date"),
])
def test_bad_amendments_name_the_field(command, field):
    with pytest.raises(Invalid) as err:
        CONTRACT.decide(command, active(), at(BUYER))
    assert err.value.details[0]["field"] == field


def test_amendments_need_an_active_contract_and_the_agency():
    change = ModifyContract(kind="other", reason="x", end_date=date(2027, 5, 1))
    with pytest.raises(Conflict):
        CONTRACT.decide(change, opened(), at(BUYER))
    with pytest.raises(Forbidden):
        CONTRACT.decide(change, active(), at(OTHER_BUYER))


def test_the_buyer_rates_and_the_vendor_responds():
    rate = RatePerformance(rating_id="r1", quality=4, timeliness=3, cost_control=5, communication=2,
                           comment="late twice")
    with pytest.raises(Conflict):
        CONTRACT.decide(rate, opened(), at(BUYER))
    with pytest.raises(Forbidden):
        CONTRACT.decide(rate, active(), at(VENDOR))
    state, events = CONTRACT.run([(rate, at(BUYER))], active())
    assert isinstance(events[0], PerformanceRated) and events[0].vendor_id == "v1"
    with pytest.raises(Forbidden):
        CONTRACT.decide(RespondToRating(rating_id="r1", response="x"), state, at(OTHER_VENDOR))
    state, events = CONTRACT.run([(RespondToRating(rating_id="r1", response="weather"), at(VENDOR))], state)
    assert isinstance(events[0], PerformanceResponded)
    with pytest.raises(Conflict):
        CONTRACT.decide(RespondToRating(rating_id="r1", response="again"), state, at(VENDOR))
    with pytest.raises(NotFound):
        CONTRACT.decide(RespondToRating(rating_id="r9", response="x"), state, at(VENDOR))


@pytest.mark.parametrize("name", ["quality", "timeliness", "cost_control", "communication"])
def test_ratings_are_one_to_five(name):
    fields = dict(rating_id="r1", quality=3, timeliness=3, cost_control=3, communication=3) | {name: 6}
    with pytest.raises(Invalid) as err:
        CONTRACT.decide(RatePerformance(**fields), active(), at(BUYER))
    assert err.value.details[0]["field"] == name


def test_termination_needs_a_reason_and_ends_the_contract():
    with pytest.raises(Invalid):
        CONTRACT.decide(TerminateContract(reason=""), active(), at(BUYER))
    state, events = CONTRACT.run([(TerminateContract(reason="default"), at(BUYER))], active())
    assert isinstance(events[0], ContractTerminated) and state.status == "terminated"
    with pytest.raises(Conflict):
        CONTRACT.decide(TerminateContract(reason="again"), state, at(BUYER))
    with pytest.raises(Conflict):
        CONTRACT.decide(SignContract(), state, at(VENDOR))
    with pytest.raises(Forbidden):
        CONTRACT.decide(TerminateContract(reason="x"), active(), at(VENDOR))


def test_the_buyer_completes_an_active_contract():
    with pytest.raises(Conflict):
        CONTRACT.decide(CompleteContract(), opened(), at(BUYER))
    state, events = CONTRACT.run([(CompleteContract(reason="delivered"), at(BUYER, NOW + timedelta(days=9)))],
                                 active())
    assert events[0].reason == "delivered" and state.status == "completed"
