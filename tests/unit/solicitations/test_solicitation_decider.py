from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from events.base import Money
from events.solicitations import (
    AddendumPublished,
    QuestionAnswered,
    QuestionAsked,
    SolicitationAwarded,
    SolicitationCancelled,
    SolicitationClosed,
    SolicitationCreated,
    SolicitationOpened,
    SolicitationPublished,
    SolicitationUnderEvaluation,
    SolicitationUnsuccessful,
    SolicitationUpdated,
    SplittingSuspected,
    TabulationEntry,
)
from kernel.context import Actor
from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from services.solicitations.commands import (
    AnswerQuestion,
    AskQuestion,
    CancelSolicitation,
    CloseSolicitation,
    OpenSolicitation,
    PublishAddendum,
    PublishSolicitation,
    RecentSolicitation,
    RecordAward,
    RecordUnsuccessful,
    StartEvaluation,
    TermsPatch,
    UpdateSolicitation,
)
from services.solicitations.deciders.solicitation import CLOSE_TIMER, OPEN_TIMER, SOLICITATION
from tests.unit.solicitations.factories import BUYER, NOW, at, create, published, system

VENDOR = Actor(sub="v-user", role="vendor")


def test_create_records_the_draft():
    state, events = SOLICITATION.run([(create(), at(NOW))])
    assert [type(e) for e in events] == [SolicitationCreated]
    assert events[0].solicitation_type == "RFP" and events[0].jurisdiction == "US"
    assert state.status == "draft"


@pytest.mark.parametrize("actor", [Actor(sub="b2", role="buyer", agency="other"), Actor(sub="a", role="admin"),
                                   VENDOR])
def test_only_the_agencys_buyers_create(actor):
    with pytest.raises(Forbidden):
        SOLICITATION.decide(create(), SOLICITATION.initial(), at(NOW, actor))


@pytest.mark.parametrize("overrides, field", [
    ({"title": "  "}, "title"),
    ({"commodity_codes": []}, "commodity_codes"),
    ({"commodity_codes": ["bad code!"]}, "commodity_codes[0]"),
    ({"estimated_value": Money(amount=0, currency="USD")}, "estimated_value.amount"),
    ({"set_aside": "NOPE"}, "set_aside"),
    ({"questions_deadline": NOW + timedelta(days=40)}, "questions_deadline"),
    ({"opening_time": NOW + timedelta(days=29)}, "opening_time"),
    ({"opening_time": datetime(9999, 12, 31, tzinfo=UTC)}, "opening_time"),
])
def test_bad_content_names_the_field(overrides, field):
    with pytest.raises(Invalid) as err:
        SOLICITATION.decide(create(**overrides), SOLICITATION.initial(), at(NOW))
    assert err.value.details[0]["field"] == field


def test_drafts_are_edited_and_published_ones_are_not():
    state, _ = SOLICITATION.run([(create(), at(NOW))])
    events = SOLICITATION.decide(UpdateSolicitation(patch=TermsPatch(title="Road salt 2027")), state, at(NOW))
    assert isinstance(events[0], SolicitationUpdated) and events[0].title == "Road salt 2027"
    assert events[0].commodity_codes == ["12345"]  # untouched fields keep their value
    state, _ = published()
    with pytest.raises(Conflict, match="addendum"):
        SOLICITATION.decide(UpdateSolicitation(patch=TermsPatch(title="x")), state, at(NOW))


def test_opening_waits_for_bids_decided_at_the_last_instant():
    state, _ = published(opening_time=NOW + timedelta(days=30))  # opening time == deadline
    deadline = state.t.submission_deadline
    [_, publication] = SOLICITATION.run([(create(opening_time=deadline), at(NOW)),
                                         (PublishSolicitation(), at(NOW))])[1]
    [_, opening] = SOLICITATION.timers(publication)
    assert opening.due_at == deadline + timedelta(seconds=30)
    command = OpenSolicitation(tabulation=[])
    assert SOLICITATION.decide(command, state, system(deadline + timedelta(seconds=29))) == []
    assert SOLICITATION.decide(command, state, system(deadline + timedelta(seconds=30)))


def test_publish_sets_close_and_open_timers():
    state, events = published()
    assert isinstance(events[1], SolicitationPublished) and state.status == "published"
    timers = list(SOLICITATION.timers(events[1]))
    assert {(t.kind, t.due_at) for t in timers} == {(CLOSE_TIMER, state.t.submission_deadline),
                                                    (OPEN_TIMER, state.t.opening_time)}


def test_publishing_twice_is_a_conflict():
    state, _ = published()
    with pytest.raises(Conflict):
        SOLICITATION.decide(PublishSolicitation(), state, at(NOW))


def _publish(**overrides):
    state, _ = SOLICITATION.run([(create(**overrides), at(NOW))])
    return SOLICITATION.decide(PublishSolicitation(), state, at(NOW))


def test_method_below_what_the_value_requires_is_refused():
    with pytest.raises(Invalid) as err:
        _publish(method="selective")  # 500,000 USD is above the simplified acquisition threshold
    assert err.value.code == "method_below_threshold"
    assert err.value.details[0]["field"] == "method"
    assert "simplified acquisition" in err.value.message


def test_direct_award_only_up_to_the_micro_purchase_threshold():
    rfq = dict(solicitation_type="RFQ", method="direct", criteria=[
        *[msgspec.structs.replace(c, weight=w) for c, w in zip(create().terms.criteria, (50, 50), strict=True)]])
    assert _publish(estimated_value=Money(amount=15_000_00, currency="USD"), **rfq)
    with pytest.raises(Invalid):
        _publish(estimated_value=Money(amount=15_000_01, currency="USD"), **rfq)
    assert _publish(estimated_value=Money(amount=15_000_01, currency="USD"), **{**rfq, "method": "limited"})


def test_thresholds_before_october_2025_were_lower():
    early = datetime(2025, 9, 1, 12, tzinfo=UTC)
    fields = dict(solicitation_type="RFQ", method="direct", estimated_value=Money(amount=12_000_00, currency="USD"),
                  submission_deadline=early + timedelta(days=10), questions_deadline=early + timedelta(days=5),
                  opening_time=early + timedelta(days=10))
    state, _ = SOLICITATION.run([(create(**fields), at(early))])
    with pytest.raises(Invalid, match="micro purchase"):
        SOLICITATION.decide(PublishSolicitation(), state, at(early))
    assert _publish(**{**fields, "submission_deadline": NOW + timedelta(days=10),
                       "questions_deadline": NOW + timedelta(days=5), "opening_time": NOW + timedelta(days=10)})


def test_formal_sealed_procedure_above_the_formal_threshold():
    with pytest.raises(Invalid) as err:
        _publish(solicitation_type="RFQ")
    assert err.value.code == "formal_procedure_required"
    assert err.value.details[0]["field"] == "solicitation_type"


def test_deadlines_in_the_past_cannot_be_published():
    state, _ = SOLICITATION.run([(create(), at(NOW))])
    with pytest.raises(Invalid) as err:
        SOLICITATION.decide(PublishSolicitation(), state, at(NOW + timedelta(days=25)))
    assert err.value.details[0]["field"] == "questions_deadline"


def test_unknown_jurisdiction_is_refused():
    state, _ = SOLICITATION.run([(create(), at(NOW))])
    state = msgspec.structs.replace(state, jurisdiction="ZZ-Nowhere")
    with pytest.raises(Invalid) as err:
        SOLICITATION.decide(PublishSolicitation(), state, at(NOW))
    assert err.value.code == "no_rules"


def test_splitting_is_flagged_but_publishing_goes_on():
    small = dict(solicitation_type="RFQ", method="direct", estimated_value=Money(amount=9_000_00, currency="USD"))
    state, _ = SOLICITATION.run([(create(**small, criteria=[
        msgspec.structs.replace(c, weight=50) for c in create().terms.criteria]), at(NOW))])
    recent = [RecentSolicitation(solicitation_id="s0", commodity_codes=["12345"],
                                 estimated_value=Money(amount=8_000_00, currency="USD"),
                                 published_at=NOW - timedelta(days=30)),
              RecentSolicitation(solicitation_id="old", commodity_codes=["12345"],
                                 estimated_value=Money(amount=8_000_00, currency="USD"),
                                 published_at=NOW - timedelta(days=120)),
              RecentSolicitation(solicitation_id="other-code", commodity_codes=["99999"],
                                 estimated_value=Money(amount=8_000_00, currency="USD"),
                                 published_at=NOW - timedelta(days=3))]
    events = SOLICITATION.decide(PublishSolicitation(recent=recent), state, at(NOW))
    assert isinstance(events[0], SolicitationPublished)
    warnings = [e for e in events if isinstance(e, SplittingSuspected)]
    assert len(warnings) == 1
    assert warnings[0].threshold == "micro_purchase" and warnings[0].related_solicitation_ids == ["s0"]
    assert warnings[0].combined_value == Money(amount=17_000_00, currency="USD")
    # together under the threshold: no warning
    recent_small = [msgspec.structs.replace(recent[0], estimated_value=Money(amount=5_000_00, currency="USD"))]
    assert not [e for e in SOLICITATION.decide(PublishSolicitation(recent=recent_small), state, at(NOW))
                if isinstance(e, SplittingSuspected)]


def test_addendum_numbers_and_moves_timers():
    state, _ = published()
    new_deadline = state.t.submission_deadline + timedelta(days=7)
    state, events = SOLICITATION.run([(PublishAddendum(summary="Quantities", changes="x2",
                                                       submission_deadline=new_deadline), at(NOW)),
                                      (PublishAddendum(summary="Typo", changes="p.3"), at(NOW))], state)
    assert [e.number for e in events] == [1, 2]
    assert state.latest_addendum == 2 and state.t.submission_deadline == new_deadline
    assert {t.kind for t in SOLICITATION.timers(events[0])} == {CLOSE_TIMER, OPEN_TIMER}


def test_late_addendum_extends_the_deadline():
    state, _ = published()
    late = state.t.submission_deadline - timedelta(days=2)
    [addendum] = SOLICITATION.decide(PublishAddendum(summary="Spec change", changes="..."), state, at(late))
    assert isinstance(addendum, AddendumPublished) and addendum.deadline_extended
    assert addendum.submission_deadline == late + timedelta(days=5)
    assert addendum.opening_time >= addendum.submission_deadline


def test_addendum_never_shortens_and_not_after_the_deadline():
    state, _ = published()
    for name, value in [("opening_time", datetime(2026, 5, 1)),
                        ("submission_deadline", datetime(2099, 1, 1, tzinfo=UTC))]:
        with pytest.raises(Invalid) as err:
            SOLICITATION.decide(PublishAddendum(summary="s", changes="c", **{name: value}), state, at(NOW))
        assert err.value.details[0]["field"] == name
    with pytest.raises(Invalid):
        SOLICITATION.decide(PublishAddendum(summary="s", changes="c",
                                            submission_deadline=state.t.submission_deadline - timedelta(days=1)),
                            state, at(NOW))
    with pytest.raises(Conflict):
        SOLICITATION.decide(PublishAddendum(summary="s", changes="c"), state, at(state.t.submission_deadline))


def test_closing_happens_at_the_deadline_and_a_moved_deadline_makes_the_old_timer_a_no_op():
    state, _ = published()
    deadline = state.t.submission_deadline
    assert SOLICITATION.decide(CloseSolicitation(), state, system(deadline - timedelta(seconds=1))) == []
    moved, _ = SOLICITATION.run([(PublishAddendum(summary="more time", changes="",
                                                  submission_deadline=deadline + timedelta(days=3)), at(NOW))],
                                state)
    assert SOLICITATION.decide(CloseSolicitation(), moved, system(deadline)) == []
    [closed] = SOLICITATION.decide(CloseSolicitation(), state, system(deadline))
    assert isinstance(closed, SolicitationClosed)
    with pytest.raises(Forbidden):
        SOLICITATION.decide(CloseSolicitation(), state, at(deadline))


def test_opening_records_the_tabulation_at_the_opening_time():
    state, _ = published()
    entry = TabulationEntry(bid_id="b1", vendor_id="v1", price=Money(amount=1_00, currency="USD"),
                            received_at=NOW)
    command = OpenSolicitation(tabulation=[entry])
    assert SOLICITATION.decide(command, state, system(state.t.opening_time - timedelta(seconds=1))) == []
    events = SOLICITATION.decide(command, state, system(state.t.opening_time))
    assert [type(e) for e in events] == [SolicitationClosed, SolicitationOpened]
    opened = SOLICITATION.fold(events, state)
    assert opened.opened and opened.tabulation == (entry,)
    assert opened.status == "opened"  # a status of its own, not "closed" with opened_at set
    assert SOLICITATION.decide(command, opened, system(state.t.opening_time)) == []


def test_questions_until_the_questions_deadline_answers_by_the_buyer():
    state, _ = published()
    state, events = SOLICITATION.run([(AskQuestion(question_id="q1", question="Delivery site?"), at(NOW, VENDOR))],
                                     state)
    assert isinstance(events[0], QuestionAsked) and events[0].asked_by == "v-user"
    with pytest.raises(Conflict, match="questions deadline"):
        SOLICITATION.decide(AskQuestion(question_id="q2", question="?"), state,
                            at(state.t.questions_deadline, VENDOR))
    with pytest.raises(Forbidden):
        SOLICITATION.decide(AnswerQuestion(question_id="q1", answer="Depot"), state, at(NOW, VENDOR))
    with pytest.raises(NotFound):
        SOLICITATION.decide(AnswerQuestion(question_id="nope", answer="Depot"), state, at(NOW))
    state, events = SOLICITATION.run([(AnswerQuestion(question_id="q1", answer="Depot 3"), at(NOW))], state)
    assert isinstance(events[0], QuestionAnswered) and events[0].question == "Delivery site?"
    with pytest.raises(Conflict):
        SOLICITATION.decide(AnswerQuestion(question_id="q1", answer="again"), state, at(NOW))


def test_buyers_ask_no_questions_and_drafts_take_none():
    state, _ = SOLICITATION.run([(create(), at(NOW))])
    with pytest.raises(Conflict):
        SOLICITATION.decide(AskQuestion(question_id="q", question="?"), state, at(NOW, VENDOR))
    with pytest.raises(Forbidden):
        SOLICITATION.decide(AskQuestion(question_id="q", question="?"), state, at(NOW, BUYER))


def test_cancel_then_timers_do_nothing():
    state, _ = published()
    with pytest.raises(Invalid):
        SOLICITATION.decide(CancelSolicitation(reason=" "), state, at(NOW))
    state, events = SOLICITATION.run([(CancelSolicitation(reason="Budget withdrawn"), at(NOW))], state)
    assert isinstance(events[0], SolicitationCancelled) and state.status == "cancelled"
    assert SOLICITATION.decide(CloseSolicitation(), state, system(state.t.submission_deadline)) == []
    assert SOLICITATION.decide(OpenSolicitation(tabulation=[]), state, system(state.t.opening_time)) == []
    with pytest.raises(Conflict):
        SOLICITATION.decide(CancelSolicitation(reason="again"), state, at(NOW))


def test_award_decisions_move_the_status():
    state, _ = published()
    with pytest.raises(Conflict):
        SOLICITATION.decide(StartEvaluation(), state, system(NOW))
    state = SOLICITATION.fold(SOLICITATION.decide(OpenSolicitation(tabulation=[]), state,
                                                  system(state.t.opening_time)), state)
    state, events = SOLICITATION.run([(StartEvaluation(), system(NOW)),
                                      (RecordAward(award_id="aw1", vendor_id="v1"), system(NOW))], state)
    assert [type(e) for e in events] == [SolicitationUnderEvaluation, SolicitationAwarded]
    assert state.status == "awarded"
    assert SOLICITATION.decide(RecordAward(award_id="aw1"), state, system(NOW)) == []
    with pytest.raises(Conflict):
        SOLICITATION.decide(RecordAward(award_id="aw2"), state, system(NOW))  # single award
    with pytest.raises(Conflict):
        SOLICITATION.decide(CancelSolicitation(reason="late"), state, at(NOW))


def test_unsuccessful_ends_the_solicitation():
    state, _ = published()
    state, events = SOLICITATION.run([(RecordUnsuccessful(reason="no responsive bids"), system(NOW))], state)
    assert isinstance(events[0], SolicitationUnsuccessful) and state.status == "unsuccessful"
    assert SOLICITATION.decide(RecordUnsuccessful(reason="again"), state, system(NOW)) == []


def test_an_rfi_gathers_information_and_is_never_awarded():
    state, events = published(solicitation_type="RFI", method="selective", criteria=[],
                              estimated_value=Money(amount=0, currency="USD"))
    assert isinstance(events[1], SolicitationPublished)  # no method-by-value rule for information only
    state = SOLICITATION.fold(SOLICITATION.decide(OpenSolicitation(tabulation=[]), state,
                                                  system(state.t.opening_time)), state)
    with pytest.raises(Conflict) as err:
        SOLICITATION.decide(RecordAward(award_id="aw"), state, system(NOW))
    assert err.value.code == "rfi_not_awardable"
