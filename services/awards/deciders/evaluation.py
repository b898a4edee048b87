"""Decisions of the evaluation proper: evaluators and their conflict declarations,
responsiveness reviews, scores, and the final ranking. Pure.
"""

from __future__ import annotations

from events.awards import (
    BidResponsivenessRecorded,
    ConflictDeclared,
    EvaluatorAppointed,
    EvaluatorRemoved,
    ScoreRecorded,
    ScoresFinalized,
    SolicitationUnsuccessful,
)
from events.base import Event
from kernel.context import Context
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from services.awards.commands import (
    AppointEvaluator,
    DeclareConflicts,
    FinalizeScores,
    RecordResponsiveness,
    RecordScores,
)
from services.awards.deciders.state import (
    APPOINTED,
    REMOVED,
    Evaluation,
    blank,
    evaluator_standing,
    in_scoring,
    require_buyer,
    require_cleared,
    require_not_final,
    require_open_for_evaluation,
    score_lists,
    start_events,
)
from services.awards.scoring import HIGHEST_SCORE, TIE_BREAK_RULES, basis_for, rank, tabulate


def appoint(command: AppointEvaluator, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    require_buyer(ctx, facts.agency_id)
    require_open_for_evaluation(facts)
    require_not_final(state)
    if blank(command.evaluator):
        raise field_error("evaluator", "must name the evaluator's user")
    status = state.evaluators.get(command.evaluator)
    if status == REMOVED:
        raise Conflict("this evaluator declared a conflict and cannot evaluate this solicitation",
                       code="evaluator_removed")
    if status is not None:
        raise Conflict("already appointed", code="duplicate")
    return [*start_events(state, facts, ctx), EvaluatorAppointed(
        solicitation_id=facts.solicitation_id, agency_id=facts.agency_id,
        evaluator=command.evaluator, appointed_by=ctx.actor.sub, appointed_at=ctx.now)]


def declare(command: DeclareConflicts, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    status = evaluator_standing(state, ctx.actor, facts.agency_id)
    if status is None:
        raise Forbidden("only an evaluator appointed to this solicitation declares",
                        code="not_appointed")
    if status != APPOINTED:
        raise Conflict("the declaration is already recorded", code="already_declared")
    bidders, named = set(facts.bidders), set(command.bidders)
    if named != bidders:
        missing, unknown = sorted(bidders - named), sorted(named - bidders)
        raise field_error("bidders", "must name every bidder and only bidders"
                          + (f"; missing {', '.join(missing)}" if missing else "")
                          + (f"; not bidders {', '.join(unknown)}" if unknown else ""))
    if not set(command.conflicts) <= bidders:
        raise field_error("conflicts", "may only name bidders")
    declared = ConflictDeclared(
        solicitation_id=facts.solicitation_id, evaluator=ctx.actor.sub,
        bidders=sorted(named), conflicts=sorted(set(command.conflicts)),
        statement=command.statement.strip(), declared_at=ctx.now)
    if not command.conflicts:
        return [declared]
    return [declared, EvaluatorRemoved(
        solicitation_id=facts.solicitation_id, evaluator=ctx.actor.sub,
        reason=f"conflict of interest with {', '.join(sorted(set(command.conflicts)))}",
        removed_at=ctx.now)]


def review(command: RecordResponsiveness, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    if evaluator_standing(state, ctx.actor, facts.agency_id) is not None:
        require_cleared(state, ctx, facts.agency_id)
    else:
        require_buyer(ctx, facts.agency_id, admin=False)
    require_open_for_evaluation(facts)
    require_not_final(state)
    bid = facts.bid(command.bid_id)
    if bid is None:
        raise NotFound(f"bid {command.bid_id} is not an opened bid of this solicitation")
    if not bid.counts:
        raise Conflict("this bid did not acknowledge the latest addendum and does not count",
                       code="bid_not_counted")
    if not (command.responsive and command.responsible) and blank(command.reason):
        raise field_error("reason", "a non-responsive or non-responsible finding needs a reason")
    return [*start_events(state, facts, ctx), BidResponsivenessRecorded(
        solicitation_id=facts.solicitation_id, bid_id=bid.bid_id, vendor_id=bid.vendor_id,
        responsive=command.responsive, responsible=command.responsible,
        reason=command.reason.strip(), recorded_by=ctx.actor.sub, recorded_at=ctx.now)]


def score(command: RecordScores, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    require_cleared(state, ctx, facts.agency_id)
    require_open_for_evaluation(facts)
    require_not_final(state)
    bid = facts.bid(command.bid_id)
    if bid is None:
        raise NotFound(f"bid {command.bid_id} is not an opened bid of this solicitation")
    if not in_scoring(state, bid):
        raise Conflict("only bids reviewed as responsive and responsible are scored",
                       code="not_in_scoring")
    if not command.scores:
        raise field_error("scores", "at least one score")
    seen: set[str] = set()
    events: list[Event] = []
    for i, given in enumerate(command.scores):
        criterion = facts.criterion(given.criterion_id)
        if criterion is None:
            raise field_error(f"scores[{i}].criterion_id", "not a criterion of this solicitation")
        if criterion.is_price:
            raise field_error(f"scores[{i}].criterion_id",
                              "price points are computed from the prices, not scored")
        if given.criterion_id in seen:
            raise field_error(f"scores[{i}].criterion_id", "each criterion once")
        seen.add(given.criterion_id)
        if not 0 <= given.score <= criterion.scale_max:
            raise field_error(f"scores[{i}].score", f"between 0 and {criterion.scale_max}")
        if blank(given.comment):
            raise field_error(f"scores[{i}].comment", "every score needs a comment")
        events.append(ScoreRecorded(
            solicitation_id=facts.solicitation_id, bid_id=bid.bid_id, evaluator=ctx.actor.sub,
            criterion_id=given.criterion_id, score=given.score, comment=given.comment.strip(),
            recorded_at=ctx.now))
    return events


def finalize_scores(command: FinalizeScores, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    require_buyer(ctx, facts.agency_id)
    require_open_for_evaluation(facts)
    require_not_final(state)
    rules = command.tie_break_rules
    for i, rule in enumerate(rules):
        if rule not in TIE_BREAK_RULES:
            raise field_error(f"tie_break_rules[{i}]", f"one of {', '.join(TIE_BREAK_RULES)}")
    if len(set(rules)) != len(rules):
        raise field_error("tie_break_rules", "each rule once")
    unreviewed = [b.bid_id for b in facts.bids if b.counts and b.bid_id not in state.reviews]
    if unreviewed:
        raise Conflict("every bid needs a responsiveness review first", code="review_incomplete",
                       details={"bids": unreviewed})
    scoring = [b for b in facts.bids if in_scoring(state, b)]
    if len({b.price.currency for b in scoring}) > 1:
        raise Conflict("bids in different currencies cannot be compared", code="currency_mismatch")
    basis = basis_for(facts.solicitation_type)
    cleared = state.cleared()
    if basis == HIGHEST_SCORE and facts.scored_criteria and scoring and not cleared:
        raise Conflict("no evaluator has been cleared to score", code="no_evaluators")
    lines = tabulate(scoring, facts.criteria, score_lists(state), len(cleared))
    if basis == HIGHEST_SCORE:
        incomplete = [{"bid_id": line.bid_id, "criteria": line.incomplete}
                      for line in lines if line.incomplete]
        if incomplete:
            raise Conflict("every cleared evaluator must score every responsive bid first",
                           code="scoring_incomplete", details=incomplete)
    ranking, ties = rank(lines, basis, command.vendors, rules, command.seed)
    events: list[Event] = [*start_events(state, facts, ctx), ScoresFinalized(
        solicitation_id=facts.solicitation_id, basis=basis, ranking=ranking,
        excluded_bids=[b.bid_id for b in facts.bids if not in_scoring(state, b)],
        tie_breaks=ties, finalized_by=ctx.actor.sub, finalized_at=ctx.now)]
    if not ranking:
        events.append(SolicitationUnsuccessful(solicitation_id=facts.solicitation_id,
                                               reason="no responsive, responsible bid"))
    return events
