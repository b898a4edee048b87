"""Evaluation rules: evaluators, declarations, responsiveness, scoring, ranking."""

from __future__ import annotations

import pytest

from events.awards import (
    BidResponsivenessRecorded,
    ConflictDeclared,
    EvaluationStarted,
    EvaluatorAppointed,
    EvaluatorRemoved,
    ScoresFinalized,
    SolicitationUnsuccessful,
)
from kernel.context import Actor
from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from services.awards.commands import (
    AppointEvaluator,
    CriterionScore,
    DeclareConflicts,
    FinalizeScores,
    RecordResponsiveness,
    RecordScores,
)
from services.awards.decider import EVALUATION
from services.awards.inputs import BidFacts, VendorFacts
from tests.unit.awards.fixtures import (
    ADMIN,
    BUYER,
    EVAL_A,
    EVAL_B,
    VENDORS,
    at,
    evaluated,
    facts,
    usd,
)


def appointed(f=None, *declared):
    f = f or facts()
    commands = [(AppointEvaluator(solicitation=f, evaluator="eva"), at(BUYER)),
                (AppointEvaluator(solicitation=f, evaluator="evb"), at(BUYER))]
    commands += [(DeclareConflicts(solicitation=f, bidders=["vx", "vy"]), at(e)) for e in declared]
    return EVALUATION.run(commands)[0]


def reviewed(f=None, *declared, responsive=("bx", "by")):
    f = f or facts()
    state = appointed(f, *declared)
    commands = [(RecordResponsiveness(solicitation=f, bid_id=b, responsive=b in responsive,
                                      reason="" if b in responsive else "missing bond"), at(BUYER))
                for b in ("bx", "by")]
    return EVALUATION.run(commands, state)[0]


def score(bid_id, value, criterion="tech", comment="sound"):
    return RecordScores(solicitation=facts(), bid_id=bid_id,
                        scores=[CriterionScore(criterion_id=criterion, score=value, comment=comment)])


def test_the_first_appointment_starts_the_evaluation():
    state, events = EVALUATION.run([
        (AppointEvaluator(solicitation=facts(), evaluator="eva"), at(BUYER)),
        (AppointEvaluator(solicitation=facts(), evaluator="evb"), at(BUYER))])
    assert [type(e) for e in events] == [EvaluationStarted, EvaluatorAppointed, EvaluatorAppointed]
    assert events[0].agency_id == "ag1" and state.evaluators == {"eva": "appointed", "evb": "appointed"}


@pytest.mark.parametrize("actor", [
    Actor(sub="b2", role="buyer", agency="other"), EVAL_A, Actor(sub="v", role="vendor", vendor="vx")])
def test_only_a_buyer_of_the_agency_appoints(actor):
    with pytest.raises(Forbidden):
        EVALUATION.decide(AppointEvaluator(solicitation=facts(), evaluator="eva"),
                          EVALUATION.initial(), at(actor))


@pytest.mark.parametrize("overrides, code", [
    ({"opened": False}, "not_opened"), ({"cancelled": True}, "solicitation_cancelled"),
    ({"solicitation_type": "RFI"}, "not_awardable")])
def test_evaluation_needs_an_opened_awardable_solicitation(overrides, code):
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(AppointEvaluator(solicitation=facts(**overrides), evaluator="eva"),
                          EVALUATION.initial(), at(BUYER))
    assert err.value.code == code


def test_appointing_twice_is_a_conflict():
    with pytest.raises(Conflict):
        EVALUATION.decide(AppointEvaluator(solicitation=facts(), evaluator="eva"), appointed(), at(BUYER))


def test_the_declaration_must_name_every_bidder():
    with pytest.raises(Invalid) as err:
        EVALUATION.decide(DeclareConflicts(solicitation=facts(), bidders=["vx"]), appointed(), at(EVAL_A))
    assert err.value.details[0]["field"] == "bidders" and "vy" in err.value.message


def test_an_evaluator_of_another_solicitation_cannot_declare():
    stranger = Actor(sub="evc", role="evaluator", agency="ag1")
    with pytest.raises(Forbidden):
        EVALUATION.decide(DeclareConflicts(solicitation=facts(), bidders=["vx", "vy"]),
                          appointed(), at(stranger))


def test_a_declared_conflict_removes_the_evaluator_for_good():
    state, events = EVALUATION.run([(DeclareConflicts(
        solicitation=facts(), bidders=["vx", "vy"], conflicts=["vy"], statement="my cousin"),
        at(EVAL_A))], appointed())
    assert [type(e) for e in events] == [ConflictDeclared, EvaluatorRemoved]
    assert state.evaluators["eva"] == "removed"
    with pytest.raises(Forbidden) as err:
        EVALUATION.decide(score("bx", 5), state, at(EVAL_A))
    assert err.value.code == "evaluator_removed"
    with pytest.raises(Conflict):
        EVALUATION.decide(AppointEvaluator(solicitation=facts(), evaluator="eva"), state, at(BUYER))


def test_an_evaluator_without_a_declaration_cannot_review_or_score():
    state = reviewed(facts(), EVAL_B)
    for command in (score("bx", 5), RecordResponsiveness(solicitation=facts(), bid_id="bx",
                                                         responsive=True)):
        with pytest.raises(Forbidden) as err:
            EVALUATION.decide(command, state, at(EVAL_A))
        assert err.value.code == "declaration_required"


def test_declaring_twice_is_refused():
    with pytest.raises(Conflict):
        EVALUATION.decide(DeclareConflicts(solicitation=facts(), bidders=["vx", "vy"]),
                          appointed(facts(), EVAL_A), at(EVAL_A))


def test_a_non_responsive_finding_needs_a_reason():
    with pytest.raises(Invalid) as err:
        EVALUATION.decide(RecordResponsiveness(solicitation=facts(), bid_id="bx", responsive=False),
                          appointed(), at(BUYER))
    assert err.value.details[0]["field"] == "reason"


def test_responsiveness_of_an_unknown_or_uncounted_bid():
    with pytest.raises(NotFound):
        EVALUATION.decide(RecordResponsiveness(solicitation=facts(), bid_id="nope", responsive=True),
                          appointed(), at(BUYER))
    late = facts(bids=(BidFacts(bid_id="bx", vendor_id="vx", price=usd(1), counts=False),))
    with pytest.raises(Conflict):
        EVALUATION.decide(RecordResponsiveness(solicitation=late, bid_id="bx", responsive=True),
                          appointed(late), at(BUYER))


def test_a_cleared_evaluator_may_review():
    _, events = EVALUATION.run([(RecordResponsiveness(
        solicitation=facts(), bid_id="bx", responsive=True), at(EVAL_A))], appointed(facts(), EVAL_A))
    assert isinstance(events[0], BidResponsivenessRecorded) and events[0].recorded_by == "eva"


def test_only_responsive_bids_are_scored():
    state = reviewed(facts(), EVAL_A, responsive=("bx",))
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(score("by", 5), state, at(EVAL_A))
    assert err.value.code == "not_in_scoring"


@pytest.mark.parametrize("command, field", [
    (score("bx", 11), "scores[0].score"),
    (score("bx", -1), "scores[0].score"),
    (score("bx", 5, comment="  "), "scores[0].comment"),
    (score("bx", 5, criterion="price"), "scores[0].criterion_id"),
    (score("bx", 5, criterion="nope"), "scores[0].criterion_id"),
])
def test_bad_scores_name_the_field(command, field):
    with pytest.raises(Invalid) as err:
        EVALUATION.decide(command, reviewed(facts(), EVAL_A), at(EVAL_A))
    assert err.value.details[0]["field"] == field


def test_weighted_totals_use_the_documented_price_formula():
    state = evaluated(facts(), {"bx": 9, "by": 6})
    ranking = state.finalized.ranking
    # bx: 9/10 x 60 + 80,000/100,000 x 40 = 54 + 32; by: 6/10 x 60 + 40 = 36 + 40
    assert [(b.bid_id, b.rank, b.total) for b in ranking] == [("bx", 1, 86.0), ("by", 2, 76.0)]
    assert [(c.criterion_id, c.points) for c in ranking[0].criteria] == [("tech", 54.0), ("price", 32.0)]
    assert state.finalized.basis == "highest_score"


def test_scores_are_the_mean_of_the_evaluators():
    state = reviewed(facts(), EVAL_A, EVAL_B)
    state, _ = EVALUATION.run([
        (score("bx", 8), at(EVAL_A)), (score("bx", 6), at(EVAL_B)),
        (score("by", 4), at(EVAL_A)), (score("by", 4), at(EVAL_B)),
        (FinalizeScores(solicitation=facts(), vendors=VENDORS, seed="s"), at(BUYER))], state)
    bx = next(b for b in state.finalized.ranking if b.bid_id == "bx")
    assert bx.criteria[0].consensus == 7.0 and bx.criteria[0].points == 42.0


def test_a_later_score_replaces_the_earlier_one():
    state = reviewed(facts(), EVAL_A)
    state, _ = EVALUATION.run([(score("bx", 2), at(EVAL_A)), (score("bx", 9), at(EVAL_A)),
                               (score("by", 1), at(EVAL_A)),
                               (FinalizeScores(solicitation=facts(), vendors=VENDORS, seed="s"),
                                at(BUYER))], state)
    assert state.finalized.ranking[0].bid_id == "bx"


def test_finalising_needs_every_review_and_every_score():
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(FinalizeScores(solicitation=facts(), vendors=VENDORS, seed="s"),
                          appointed(facts(), EVAL_A), at(BUYER))
    assert err.value.code == "review_incomplete"
    state, _ = EVALUATION.run([(score("bx", 5), at(EVAL_A))], reviewed(facts(), EVAL_A))
    with pytest.raises(Conflict) as err:
        EVALUATION.decide(FinalizeScores(solicitation=facts(), vendors=VENDORS, seed="s"), state, at(BUYER))
    assert err.value.code == "scoring_incomplete"
    assert err.value.details == [{"bid_id": "by", "criteria": ["tech"]}]


def test_only_the_buyer_finalises_and_changes_after_are_refused():
    state = evaluated(facts(), {"bx": 9, "by": 6})
    with pytest.raises(Forbidden):
        EVALUATION.decide(FinalizeScores(solicitation=facts(), vendors=VENDORS, seed="s"),
                          reviewed(facts(), EVAL_A), at(EVAL_A))
    for command, actor in [(score("bx", 1), EVAL_A),
                           (FinalizeScores(solicitation=facts(), vendors=VENDORS, seed="s"), BUYER),
                           (RecordResponsiveness(solicitation=facts(), bid_id="bx", responsive=True), BUYER)]:
        with pytest.raises(Conflict) as err:
            EVALUATION.decide(command, state, at(actor))
        assert err.value.code == "scores_final"


def test_an_itb_is_won_by_the_lowest_responsive_price_without_scoring():
    f = facts("ITB", prices=(70_000, 80_000))
    state, events = EVALUATION.run([
        (RecordResponsiveness(solicitation=f, bid_id="bx", responsive=True), at(BUYER)),
        (RecordResponsiveness(solicitation=f, bid_id="by", responsive=True), at(BUYER)),
        (FinalizeScores(solicitation=f, vendors=VENDORS, seed="s"), at(BUYER))])
    assert isinstance(events[0], EvaluationStarted)
    assert state.finalized.basis == "lowest_price"
    assert [b.bid_id for b in state.finalized.ranking] == ["bx", "by"]


def test_a_non_responsible_low_bid_is_out_of_the_ranking():
    f = facts("ITB", prices=(70_000, 80_000))
    state, _ = EVALUATION.run([
        (RecordResponsiveness(solicitation=f, bid_id="bx", responsive=True, responsible=False,
                              reason="no licence"), at(BUYER)),
        (RecordResponsiveness(solicitation=f, bid_id="by", responsive=True), at(BUYER)),
        (FinalizeScores(solicitation=f, vendors=VENDORS, seed="s"), at(BUYER))])
    assert [b.bid_id for b in state.finalized.ranking] == ["by"]
    assert state.finalized.excluded_bids == ["bx"]


def test_no_responsive_bid_makes_the_solicitation_unsuccessful():
    f = facts("ITB")
    _, events = EVALUATION.run([
        (RecordResponsiveness(solicitation=f, bid_id=b, responsive=False, reason="late"), at(BUYER))
        for b in ("bx", "by")] + [(FinalizeScores(solicitation=f, vendors=VENDORS, seed="s"), at(BUYER))])
    assert [type(e) for e in events[-2:]] == [ScoresFinalized, SolicitationUnsuccessful]


def tied(vendors, rules=("local_preference", "diversity_certification", "drawing"), seed="s"):
    f = facts("ITB", prices=(50_000, 50_000))
    state, _ = EVALUATION.run([
        (RecordResponsiveness(solicitation=f, bid_id=b, responsive=True), at(BUYER)) for b in ("bx", "by")]
        + [(FinalizeScores(solicitation=f, vendors=vendors, seed=seed, tie_break_rules=rules), at(BUYER))])
    return state.finalized


def test_a_tie_goes_to_the_local_vendor_first():
    result = tied({"vx": VendorFacts(vendor_id="vx", certified=True),
                   "vy": VendorFacts(vendor_id="vy", local=True)})
    assert result.ranking[0].bid_id == "by"
    assert result.tie_breaks[0].decided_by_rule == "local_preference"
    assert result.tie_breaks[0].seed is None


def test_then_to_the_certified_vendor():
    result = tied({"vx": VendorFacts(vendor_id="vx", certified=True),
                   "vy": VendorFacts(vendor_id="vy")})
    assert result.ranking[0].bid_id == "bx"
    assert result.tie_breaks[0].decided_by_rule == "diversity_certification"


def test_the_rule_order_is_configurable():
    vendors = {"vx": VendorFacts(vendor_id="vx", certified=True), "vy": VendorFacts(vendor_id="vy", local=True)}
    result = tied(vendors, rules=("diversity_certification", "local_preference", "drawing"))
    assert result.ranking[0].bid_id == "bx"


def test_then_a_drawing_reproducible_from_its_recorded_seed():
    outcomes = {seed: tied(VENDORS, seed=seed) for seed in ("a", "b", "c", "d", "e", "f")}
    for seed, result in outcomes.items():
        assert result.tie_breaks[0].decided_by_rule == "drawing"
        assert result.tie_breaks[0].seed == seed
        assert tied(VENDORS, seed=seed).ranking == result.ranking
    assert len({r.ranking[0].bid_id for r in outcomes.values()}) == 2


def test_unknown_tie_break_rules_are_refused():
    with pytest.raises(Invalid) as err:
        tied(VENDORS, rules=("coin_toss",))
    assert err.value.details[0]["field"] == "tie_break_rules[0]"


def test_an_admin_may_finalise_too():
    f = facts("ITB")
    state, _ = EVALUATION.run([
        (RecordResponsiveness(solicitation=f, bid_id=b, responsive=True), at(BUYER)) for b in ("bx", "by")]
        + [(FinalizeScores(solicitation=f, vendors=VENDORS, seed="s"), at(ADMIN))])
    assert state.finalized.finalized_by == "admin-1"
