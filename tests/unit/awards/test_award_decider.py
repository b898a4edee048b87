"""Award rules: recommendation, notice of intent, protest window, protests, final award."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from events.awards import (
    AwardCancelled,
    AwardFinalized,
    AwardRecommended,
    EvaluationReopened,
    IntentToAwardPublished,
    ProtestDecided,
    ProtestFiled,
    ProtestWindowClosed,
)
from events.base import Money
from kernel.context import Actor
from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from services.awards.commands import (
    CloseProtestWindow,
    CriterionScore,
    DecideProtest,
    FileProtest,
    FinalizeAward,
    RecordScores,
)
from services.awards.decider import EVALUATION, PROTEST_WINDOW_TIMER
from services.awards.inputs import VendorFacts
from tests.unit.awards.fixtures import (
    ADMIN,
    BUYER,
    EVAL_A,
    MONDAY,
    OUTSIDER,
    VENDOR_X,
    VENDOR_Y,
    VENDORS,
    at,
    evaluated,
    facts,
    recommend,
    usd,
)

WINDOW_ENDS = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # five business days after Monday 2 March
AFTER = WINDOW_ENDS + timedelta(minutes=1)
CLEAN_X = VendorFacts(vendor_id="vx")


def with_award(f=None, **overrides):
    f = f or facts()
    state = evaluated(f, {"bx": 9, "by": 6})
    return EVALUATION.run([(recommend(f, **overrides), at(BUYER))], state)


def protest(state, actor=VENDOR_Y, when=MONDAY, protest_id="p1"):
    return EVALUATION.run([(FileProtest(solicitation=facts(), award_id="aw1", protest_id=protest_id,
                                        grounds="price evaluation ignored our discount"),
                            at(actor, when))], state)


def test_the_recommendation_publishes_the_intent_and_opens_the_window():
    state, events = with_award()
    recommended, notice = events
    assert isinstance(recommended, AwardRecommended) and isinstance(notice, IntentToAwardPublished)
    assert (recommended.bid_id, recommended.vendor_id, recommended.value.amount) == ("bx", "vx", 100_000)
    assert recommended.scores.total == 86.0 and recommended.recommended_by == "buyer-1"
    assert notice.protest_window_ends == WINDOW_ENDS
    [timer] = EVALUATION.timers(notice)
    assert timer.kind == PROTEST_WINDOW_TIMER and timer.due_at == WINDOW_ENDS
    assert timer.stream_id == "evaluation-s1" and timer.payload["award_id"] == "aw1"
    assert state.awards["aw1"].status == "intent_published"


def test_the_window_length_is_configurable_in_business_days():
    _, events = with_award(protest_window_business_days=1)
    assert events[1].protest_window_ends == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
    state = evaluated(facts(), {"bx": 9, "by": 6})
    _, events = EVALUATION.run([(recommend(facts(), protest_window_business_days=1), at(BUYER, friday))], state)
    assert events[1].protest_window_ends == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def test_no_recommendation_before_the_scores_are_final():
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(recommend(facts()), EVALUATION.initial(), at(BUYER))
    assert err.value.code == "scores_not_final"


@pytest.mark.parametrize("overrides, field", [
    ({"rationale": " "}, "rationale"),
    ({"contract_end": recommend(facts()).contract_start}, "contract_end"),
    ({"protest_window_business_days": 0}, "protest_window_business_days"),
])
def test_bad_recommendations_name_the_field(overrides, field):
    state = evaluated(facts(), {"bx": 9, "by": 6})
    with pytest.raises(Invalid) as err:
        EVALUATION.decide(recommend(facts(), **overrides), state, at(BUYER))
    assert err.value.details[0]["field"] == field


def test_an_excluded_vendor_cannot_be_awarded():
    state = evaluated(facts(), {"bx": 9, "by": 6})
    excluded = {**VENDORS, "vx": VendorFacts(vendor_id="vx", excluded=True)}
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(recommend(facts(), bid_id="bx", vendors=excluded), state, at(BUYER))
    assert err.value.code == "vendor_excluded"
    # without a named bid, the best bid that can be awarded is chosen
    events = EVALUATION.decide(recommend(facts(), vendors=excluded), state, at(BUYER))
    assert events[0].bid_id == "by"


def test_a_lower_ranked_bid_is_refused_while_a_better_one_is_available():
    state = evaluated(facts(), {"bx": 9, "by": 6})
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(recommend(facts(), bid_id="by"), state, at(BUYER))
    assert err.value.code == "outranked"


def test_a_single_award_solicitation_gets_one_award():
    state, _ = with_award()
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(recommend(facts(), award_id="aw2"), state, at(BUYER))
    assert err.value.code == "already_awarded"


def test_multiple_awards_where_the_solicitation_allows_them():
    f = facts(multiple=True)
    state, _ = with_award(f)
    _, events = EVALUATION.run([(recommend(f, award_id="aw2"), at(BUYER))], state)
    assert events[0].bid_id == "by"
    with pytest.raises(Conflict):
        EVALUATION.decide(recommend(f, award_id="aw3", bid_id="bx"), state, at(BUYER))


def test_a_bidder_protests_during_the_window():
    state, _ = with_award()
    state, events = protest(state, when=MONDAY + timedelta(days=2))
    assert isinstance(events[0], ProtestFiled) and events[0].vendor_id == "vy"
    assert state.pending_protests("aw1") == ["p1"]
    with pytest.raises(Conflict) as err:
        protest(state, protest_id="p2")
    assert err.value.code == "protest_pending"


def test_only_a_bidder_may_protest():
    state, _ = with_award()
    for actor in (OUTSIDER, BUYER):
        with pytest.raises(Forbidden):
            protest(state, actor=actor)


def test_a_protest_after_the_window_is_refused():
    state, _ = with_award()
    with pytest.raises(Conflict) as err:
        protest(state, when=WINDOW_ENDS)
    assert err.value.code == "protest_window_closed"


def test_protest_grounds_are_required():
    state, _ = with_award()
    with pytest.raises(Invalid) as err:
        EVALUATION.decide(FileProtest(solicitation=facts(), award_id="aw1", protest_id="p1",
                                      grounds=" "), state, at(VENDOR_Y))
    assert err.value.details[0]["field"] == "grounds"


def test_a_protest_of_an_unknown_award():
    state, _ = with_award()
    with pytest.raises(NotFound):
        EVALUATION.decide(FileProtest(solicitation=facts(), award_id="nope", protest_id="p1",
                                      grounds="x"), state, at(VENDOR_Y))


def test_the_final_award_waits_for_the_window():
    state, _ = with_award()
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(FinalizeAward(award_id="aw1", vendor=CLEAN_X), state, at(BUYER))
    assert err.value.code == "protest_window_open"


def test_a_pending_protest_blocks_the_final_award():
    state, _ = protest(with_award()[0])
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(FinalizeAward(award_id="aw1", vendor=CLEAN_X), state, at(BUYER, AFTER))
    assert err.value.code == "protest_pending"
    assert err.value.details == {"protests": ["p1"]}


def test_a_dismissed_protest_lets_the_award_become_final():
    state, _ = protest(with_award()[0])
    state, events = EVALUATION.run([
        (DecideProtest(protest_id="p1", outcome="dismissed", reason="discount was applied"), at(ADMIN)),
        (FinalizeAward(award_id="aw1", vendor=CLEAN_X, rationale="protest dismissed"), at(BUYER, AFTER))],
        state)
    decided, final = events
    assert isinstance(decided, ProtestDecided) and decided.decided_by == "admin-1"
    assert isinstance(final, AwardFinalized)
    assert (final.decided_by, final.rationale, final.vendor_id, final.agency_id) == (
        "buyer-1", "protest dismissed", "vx", "ag1")
    assert final.scores.total == 86.0 and final.finalized_at == AFTER
    assert state.awards["aw1"].status == "final"
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(FinalizeAward(award_id="aw1", vendor=CLEAN_X), state, at(BUYER, AFTER))
    assert err.value.code == "award_final"


def test_the_final_award_keeps_the_recommendation_rationale_by_default():
    state, _ = with_award()
    [final] = EVALUATION.decide(FinalizeAward(award_id="aw1", vendor=CLEAN_X), state, at(BUYER, AFTER))
    assert final.rationale == "best value"


def test_an_excluded_vendor_at_award_time_is_refused():
    state, _ = with_award()
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(FinalizeAward(award_id="aw1", vendor=VendorFacts(vendor_id="vx", excluded=True)),
                          state, at(BUYER, AFTER))
    assert err.value.code == "vendor_excluded"


def test_a_sustained_protest_cancels_the_award_and_the_next_bid_can_be_recommended():
    state, _ = protest(with_award()[0])
    state, events = EVALUATION.run([(DecideProtest(
        protest_id="p1", outcome="sustained", remedy="cancel_award", reason="bid bond missing"),
        at(BUYER))], state)
    assert [type(e) for e in events] == [ProtestDecided, AwardCancelled]
    assert state.awards["aw1"].status == "cancelled"
    _, events = EVALUATION.run([(recommend(facts(), award_id="aw2"), at(BUYER))], state)
    assert events[0].bid_id == "by"


def test_a_sustained_protest_may_order_re_evaluation():
    state, _ = protest(with_award()[0])
    state, events = EVALUATION.run([(DecideProtest(
        protest_id="p1", outcome="sustained", remedy="re_evaluate", reason="scoring error"),
        at(BUYER))], state)
    assert [type(e) for e in events] == [ProtestDecided, AwardCancelled, EvaluationReopened]
    assert state.finalized is None and state.round == 2
    _, events = EVALUATION.run([(RecordScores(solicitation=facts(), bid_id="by", scores=[
        CriterionScore(criterion_id="tech", score=10, comment="re-read")]), at(EVAL_A))], state)
    assert events[0].score == 10


def test_protest_decisions_are_validated():
    state, _ = protest(with_award()[0])
    with pytest.raises(Invalid) as err:
        EVALUATION.decide(DecideProtest(protest_id="p1", outcome="sustained", reason="x"), state, at(BUYER))
    assert err.value.details[0]["field"] == "remedy"
    with pytest.raises(Invalid):
        EVALUATION.decide(DecideProtest(protest_id="p1", outcome="maybe", reason="x"), state, at(BUYER))
    with pytest.raises(Forbidden):
        EVALUATION.decide(DecideProtest(protest_id="p1", outcome="dismissed", reason="x"), state, at(VENDOR_X))
    with pytest.raises(NotFound):
        EVALUATION.decide(DecideProtest(protest_id="p9", outcome="dismissed", reason="x"), state, at(BUYER))


def test_the_protester_may_withdraw_but_another_vendor_may_not():
    state, _ = protest(with_award()[0])
    with pytest.raises(Forbidden):
        EVALUATION.decide(DecideProtest(protest_id="p1", outcome="withdrawn", reason="x"), state, at(VENDOR_X))
    state, _ = EVALUATION.run([(DecideProtest(protest_id="p1", outcome="withdrawn", reason="settled"),
                                at(VENDOR_Y))], state)
    assert state.protests["p1"].status == "withdrawn"
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(DecideProtest(protest_id="p1", outcome="dismissed", reason="x"), state, at(BUYER))
    assert err.value.code == "protest_decided"


def test_the_window_timer_closes_the_window_only_when_due():
    state, _ = with_award()
    assert EVALUATION.decide(CloseProtestWindow(award_id="aw1"), state, at(ADMIN)) == []
    state, events = EVALUATION.run([(CloseProtestWindow(award_id="aw1"), at(ADMIN, WINDOW_ENDS))], state)
    assert isinstance(events[0], ProtestWindowClosed) and state.awards["aw1"].window_closed
    assert EVALUATION.decide(CloseProtestWindow(award_id="aw1"), state, at(ADMIN, AFTER)) == []


def test_a_buyer_of_another_agency_cannot_finalise():
    state, _ = with_award()
    with pytest.raises(Forbidden):
        EVALUATION.decide(FinalizeAward(award_id="aw1", vendor=CLEAN_X), state,
                          at(Actor(sub="b9", role="buyer", agency="other"), AFTER))


def test_a_split_award_takes_a_share_of_the_bid():
    f = facts(multiple=True)
    state = evaluated(f, {"bx": 9, "by": 6})
    _, events = EVALUATION.run([(recommend(f, value=usd(60_000)), at(BUYER))], state)
    assert events[0].value == usd(60_000) and events[1].value == usd(60_000)
    for value in (usd(100_001), usd(0), Money(amount=5, currency="EUR")):
        with pytest.raises(Invalid) as err:
            EVALUATION.decide(recommend(f, value=value), state, at(BUYER))
        assert err.value.details[0]["field"] == "value"


def test_a_single_award_cannot_be_split():
    state = evaluated(facts(), {"bx": 9, "by": 6})
    with pytest.raises(Invalid):
        EVALUATION.decide(recommend(facts(), value=usd(50_000)), state, at(BUYER))


def test_no_final_award_once_the_solicitation_is_cancelled():
    state, _ = with_award()
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(FinalizeAward(award_id="aw1", vendor=CLEAN_X, solicitation_cancelled=True),
                          state, at(BUYER, AFTER))
    assert err.value.code == "solicitation_cancelled"
