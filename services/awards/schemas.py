"""What each role may see of an evaluation and an award, as response bodies.

- The issuing agency's buyers, admins and auditors see everything, including the live
  tabulation and who evaluates.
- A cleared evaluator (declared without conflict) sees the opened bids, the reviews and
  their own scores; an evaluator who has not declared sees nothing.
- A notice of intent to award is public; a protest is seen by the agency side and the
  bidder who filed it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from events.awards import CriterionPoints, RankedBid, TieBreak
from events.base import Money
from infra.http.bodies import MoneyIn
from kernel.context import Actor
from kernel.errors import Forbidden
from services.awards.deciders.state import (
    CLEARED,
    REMOVED,
    Award,
    Evaluation,
    Protest,
    evaluator_standing,
    in_scoring,
    is_agency_buyer,
    score_lists,
)
from services.awards.inputs import Criterion, Response, SolicitationFacts
from services.awards.scoring import basis_for, tabulate
from services.documents.facts import AttachedDocument


class EvaluatorOut(msgspec.Struct, frozen=True, kw_only=True):
    evaluator: str
    status: str  # "appointed" (no declaration yet) | "cleared" | "removed"
    declared_at: datetime | None = None
    conflicts: list[str] = []


class ReviewOut(msgspec.Struct, frozen=True, kw_only=True):
    bid_id: str
    vendor_id: str
    responsive: bool
    responsible: bool
    reason: str
    recorded_by: str
    recorded_at: datetime


class BidOut(msgspec.Struct, frozen=True, kw_only=True):
    bid_id: str
    vendor_id: str
    price: Money
    responses: list[Response]
    counts: bool
    in_scoring: bool
    review: ReviewOut | None = None
    #: the bid's documents (opened with the bids: the proposal, the price sheet, forms)
    attachments: list[AttachedDocument] = []


class ScoreOut(msgspec.Struct, frozen=True, kw_only=True):
    bid_id: str
    evaluator: str
    criterion_id: str
    score: float
    comment: str
    recorded_at: datetime


class TabulationLine(msgspec.Struct, frozen=True, kw_only=True):
    bid_id: str
    vendor_id: str
    price: Money
    total: float
    criteria: list[CriterionPoints]
    incomplete: list[str]


class AwardSummary(msgspec.Struct, frozen=True, kw_only=True):
    award_id: str
    bid_id: str
    vendor_id: str
    value: Money
    status: str


class EvaluationOut(msgspec.Struct, frozen=True, kw_only=True):
    solicitation_id: str
    agency_id: str
    solicitation_type: str
    title: str
    status: str  # "not_started" | "in_progress" | "final" | "unsuccessful"
    basis: str
    criteria: list[Criterion]
    bids: list[BidOut]
    scores: list[ScoreOut]
    evaluators: list[EvaluatorOut] | None = None  # agency side only
    tabulation: list[TabulationLine] | None = None  # agency side only
    ranking: list[RankedBid] | None = None
    tie_breaks: list[TieBreak] = []
    finalized_by: str | None = None
    finalized_at: datetime | None = None
    awards: list[AwardSummary] = []
    version: int = 0


class ProtestOut(msgspec.Struct, frozen=True, kw_only=True):
    protest_id: str
    award_id: str
    vendor_id: str
    grounds: str
    filed_at: datetime
    status: str  # "pending" | "dismissed" | "sustained" | "withdrawn" | "moot"
    remedy: str | None = None
    decision_reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    #: the protest letter, the agency's response, the decision
    attachments: list[AttachedDocument] = []


class FinalDecision(msgspec.Struct, frozen=True, kw_only=True):
    decided_by: str
    rationale: str
    finalized_at: datetime


class Cancellation(msgspec.Struct, frozen=True, kw_only=True):
    reason: str
    cancelled_at: datetime | None


class AwardOut(msgspec.Struct, frozen=True, kw_only=True):
    award_id: str
    solicitation_id: str
    agency_id: str
    bid_id: str
    vendor_id: str
    value: Money
    status: str  # "intent_published" | "final" | "cancelled"
    basis: str
    scores: RankedBid
    rationale: str
    recommended_by: str
    recommended_at: datetime
    protest_window_ends: datetime | None
    protest_window_closed: bool
    contract_start: date
    contract_end: date
    terms_ref: str
    final: FinalDecision | None = None
    cancellation: Cancellation | None = None
    protests: list[ProtestOut] = []


# -- access ----------------------------------------------------------------------------

def sees_everything(actor: Actor | None, agency_id: str) -> bool:
    return actor is not None and (actor.role in ("admin", "auditor") or is_agency_buyer(actor, agency_id))


def evaluation_access(state: Evaluation, facts: SolicitationFacts, actor: Actor) -> str:
    """"full" or "evaluator"; anyone else is refused."""
    if sees_everything(actor, facts.agency_id):
        return "full"
    status = evaluator_standing(state, actor, facts.agency_id)
    if status == CLEARED:
        return "evaluator"
    if status == REMOVED:
        raise Forbidden("removed from this evaluation for a conflict of interest",
                        code="evaluator_removed")
    if status is not None:
        raise Forbidden("record a conflict-of-interest declaration before seeing any bid",
                        code="declaration_required")
    raise Forbidden("only the issuing agency and its appointed evaluators see an evaluation",
                    code="not_appointed")


# -- evaluation --------------------------------------------------------------------------

def _status(state: Evaluation) -> str:
    if state.unsuccessful:
        return "unsuccessful"
    if state.finalized is not None:
        return "final"
    return "in_progress" if state.started else "not_started"


def _review(state: Evaluation, bid_id: str) -> ReviewOut | None:
    review = state.reviews.get(bid_id)
    if review is None:
        return None
    return ReviewOut(bid_id=review.bid_id, vendor_id=review.vendor_id, responsive=review.responsive,
                     responsible=review.responsible, reason=review.reason,
                     recorded_by=review.recorded_by, recorded_at=review.recorded_at)


def scores_out(state: Evaluation, *, evaluator: str | None = None, bid_id: str | None = None) -> list[ScoreOut]:
    return [ScoreOut(bid_id=s.bid_id, evaluator=s.evaluator, criterion_id=s.criterion_id,
                     score=s.score, comment=s.comment, recorded_at=s.recorded_at)
            for key, s in sorted(state.scores.items())
            if (evaluator is None or s.evaluator == evaluator) and (bid_id is None or s.bid_id == bid_id)]


def evaluation_out(state: Evaluation, version: int, facts: SolicitationFacts, actor: Actor) -> EvaluationOut:
    access = evaluation_access(state, facts, actor)
    full = access == "full"
    bids = [BidOut(bid_id=b.bid_id, vendor_id=b.vendor_id, price=b.price, responses=list(b.responses),
                   counts=b.counts, in_scoring=in_scoring(state, b), review=_review(state, b.bid_id))
            for b in facts.bids]
    evaluators = tabulation = None
    if full:
        evaluators = [EvaluatorOut(
            evaluator=sub, status=status,
            declared_at=state.declarations[sub].declared_at if sub in state.declarations else None,
            conflicts=state.declarations[sub].conflicts if sub in state.declarations else [])
            for sub, status in sorted(state.evaluators.items())]
        scoring = [b for b in facts.bids if in_scoring(state, b)]
        tabulation = [TabulationLine(bid_id=line.bid_id, vendor_id=line.vendor_id, price=line.price,
                                     total=round(float(line.total), 4), criteria=line.criteria,
                                     incomplete=line.incomplete)
                      for line in tabulate(scoring, facts.criteria, score_lists(state),
                                           len(state.cleared()))]
    final = state.finalized
    return EvaluationOut(
        solicitation_id=facts.solicitation_id, agency_id=facts.agency_id,
        solicitation_type=facts.solicitation_type, title=facts.title, status=_status(state),
        basis=basis_for(facts.solicitation_type), criteria=list(facts.criteria), bids=bids,
        scores=scores_out(state, evaluator=None if full else actor.sub),
        evaluators=evaluators, tabulation=tabulation,
        ranking=final.ranking if final else None, tie_breaks=final.tie_breaks if final else [],
        finalized_by=final.finalized_by if final else None,
        finalized_at=final.finalized_at if final else None,
        awards=[AwardSummary(award_id=a.award_id, bid_id=a.bid_id, vendor_id=a.vendor_id,
                             value=a.recommended.value, status=a.status)
                for a in state.awards.values()],
        version=version,
    )


# -- awards and protests ---------------------------------------------------------------------

def protest_out(protest: Protest) -> ProtestOut:
    filed, decision = protest.filed, protest.decision
    return ProtestOut(
        protest_id=filed.protest_id, award_id=filed.award_id, vendor_id=filed.vendor_id,
        grounds=filed.grounds, filed_at=filed.filed_at, status=protest.status,
        remedy=decision.remedy if decision else None,
        decision_reason=decision.reason if decision else None,
        decided_by=decision.decided_by if decision else None,
        decided_at=decision.decided_at if decision else None)


def can_see_protest(protest: Protest, actor: Actor | None, state: Evaluation) -> bool:
    if actor is None:
        return False
    if sees_everything(actor, state.agency_id) or evaluator_standing(state, actor, state.agency_id) == CLEARED:
        return True
    return actor.role == "vendor" and actor.vendor == protest.filed.vendor_id


def award_out(state: Evaluation, award: Award, actor: Actor | None) -> AwardOut:
    rec = award.recommended
    final = award.finalized
    cancelled = award.cancelled
    return AwardOut(
        award_id=award.award_id, solicitation_id=rec.solicitation_id, agency_id=rec.agency_id,
        bid_id=rec.bid_id, vendor_id=rec.vendor_id, value=rec.value, status=award.status,
        basis=rec.basis, scores=rec.scores, rationale=rec.rationale,
        recommended_by=rec.recommended_by, recommended_at=rec.recommended_at,
        protest_window_ends=award.protest_window_ends, protest_window_closed=award.window_closed,
        contract_start=rec.contract_start, contract_end=rec.contract_end, terms_ref=rec.terms_ref,
        final=FinalDecision(decided_by=final.decided_by, rationale=final.rationale,
                            finalized_at=final.finalized_at) if final else None,
        cancellation=Cancellation(reason=cancelled.reason, cancelled_at=cancelled.cancelled_at)
        if cancelled else None,
        protests=[protest_out(p) for p in state.protests.values()
                  if p.award_id == award.award_id and can_see_protest(p, actor, state)],
    )


Id = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]

Text = Annotated[str, msgspec.Meta(max_length=8000)]

Required = Annotated[str, msgspec.Meta(min_length=1, max_length=8000)]

class EvaluatorIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    evaluator: Id  # the evaluator's user (token subject)

class DeclarationIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    bidders: Annotated[list[Id], msgspec.Meta(max_length=1000)]
    conflicts: Annotated[list[Id], msgspec.Meta(max_length=1000)] = []
    statement: Text = ""

class DeclarationOut(msgspec.Struct, frozen=True, kw_only=True):
    solicitation_id: str
    evaluator: str
    status: str  # "cleared" | "removed"
    bidders: list[str]
    conflicts: list[str]

class ResponsivenessIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    responsive: bool
    responsible: bool = True
    reason: Text = ""

class ScoreIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    criterion_id: Id
    score: Annotated[float, msgspec.Meta(ge=0, le=1000)]
    comment: Required

class ScoresIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    scores: Annotated[list[ScoreIn], msgspec.Meta(min_length=1, max_length=200)]

class BidScoresOut(msgspec.Struct, frozen=True, kw_only=True):
    bid_id: str
    solicitation_id: str
    scores: list[ScoreOut]

TieBreakRule = Literal["local_preference", "diversity_certification", "drawing"]

class FinalizeScoresIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    #: the tie-break rules in the order they apply; a drawing always settles what is left
    tie_break_rules: Annotated[list[TieBreakRule], msgspec.Meta(min_length=1, max_length=3)] | None = None

class RecommendationIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    rationale: Required
    contract_start: date
    contract_end: date
    bid_id: Id | None = None  # default: the best-ranked bid that can be awarded
    #: a split award's share of the bid (solicitations allowing multiple awards); default:
    #: the bid's price
    value: MoneyIn | None = None
    terms_ref: Annotated[str, msgspec.Meta(max_length=500)] = ""
    requires_receipt: bool = True
    protest_window_business_days: Annotated[int, msgspec.Meta(ge=1, le=30)] | None = None

class ProtestIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    grounds: Required

class DecisionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    outcome: Literal["dismissed", "sustained", "withdrawn"]
    reason: Required
    remedy: Literal["cancel_award", "re_evaluate"] | None = None

class FinalizeAwardIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    rationale: Text = ""
