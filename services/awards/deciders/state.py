"""The evaluation aggregate's state (evaluators, reviews, scores, awards, protests), how each
event changes it, and the rules every decision about it shares. Pure.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from events.awards import (
    AwardCancelled,
    AwardFinalized,
    AwardRecommended,
    BidResponsivenessRecorded,
    ConflictDeclared,
    EvaluationReopened,
    EvaluationStarted,
    EvaluatorAppointed,
    EvaluatorRemoved,
    IntentToAwardPublished,
    ProtestDecided,
    ProtestFiled,
    ProtestWindowClosed,
    ScoreRecorded,
    ScoresFinalized,
    SolicitationUnsuccessful,
)
from events.base import Event
from events.compliance import RuleApplied
from kernel.context import Actor, Context
from kernel.errors import Conflict, Forbidden, NotFound
from services.awards.inputs import BidFacts, SolicitationFacts

# Evaluator status on a solicitation
APPOINTED, CLEARED, REMOVED = "appointed", "cleared", "removed"


STREAM_PREFIX = "evaluation"


class Award(msgspec.Struct, frozen=True, kw_only=True):
    award_id: str
    bid_id: str
    vendor_id: str
    status: str  # "recommended" | "intent_published" | "final" | "cancelled"
    round: int
    recommended: AwardRecommended
    protest_window_ends: datetime | None = None
    window_closed: bool = False
    finalized: AwardFinalized | None = None
    cancelled: AwardCancelled | None = None
    rules_applied: tuple[RuleApplied, ...] = ()

    @property
    def active(self) -> bool:
        return self.status in ("recommended", "intent_published", "final")


class Protest(msgspec.Struct, frozen=True, kw_only=True):
    filed: ProtestFiled
    status: str = "pending"  # | "dismissed" | "sustained" | "withdrawn" | "moot"
    decision: ProtestDecided | None = None

    @property
    def award_id(self) -> str:
        return self.filed.award_id


class Evaluation(msgspec.Struct, frozen=True, kw_only=True):
    solicitation_id: str = ""
    agency_id: str = ""
    started: bool = False
    evaluators: dict[str, str] = {}  # sub -> APPOINTED | CLEARED | REMOVED
    declarations: dict[str, ConflictDeclared] = {}
    reviews: dict[str, BidResponsivenessRecorded] = {}
    scores: dict[tuple[str, str, str], ScoreRecorded] = {}  # (bid, evaluator, criterion)
    finalized: ScoresFinalized | None = None
    round: int = 1
    awards: dict[str, Award] = {}
    protests: dict[str, Protest] = {}
    unsuccessful: bool = False

    def cleared(self) -> list[str]:
        return sorted(sub for sub, status in self.evaluators.items() if status == CLEARED)

    def pending_protests(self, award_id: str) -> list[str]:
        return [p.filed.protest_id for p in self.protests.values()
                if p.award_id == award_id and p.status == "pending"]


def is_agency_buyer(actor: Actor, agency_id: str) -> bool:
    return actor.role == "buyer" and actor.agency == agency_id


def require_buyer(ctx: Context, agency_id: str, *, admin: bool = True) -> None:
    actor = ctx.actor
    if actor.is_system or (admin and actor.role == "admin") or is_agency_buyer(actor, agency_id):
        return
    raise Forbidden("only a buyer of the issuing agency may do this", code="not_agency_buyer")


def evaluator_standing(state: Evaluation, actor: Actor, agency_id: str) -> str | None:
    """The caller's evaluator status on this solicitation (None: not an evaluator of it)."""
    if actor.role != "evaluator" or actor.agency != agency_id:
        return None
    return state.evaluators.get(actor.sub)


def require_cleared(state: Evaluation, ctx: Context, agency_id: str) -> None:
    status = evaluator_standing(state, ctx.actor, agency_id)
    if status is None:
        raise Forbidden("only an evaluator appointed to this solicitation may do this",
                        code="not_appointed")
    if status == REMOVED:
        raise Forbidden("removed from this evaluation for a conflict of interest",
                        code="evaluator_removed")
    if status == APPOINTED:
        raise Forbidden("record a conflict-of-interest declaration first",
                        code="declaration_required")


def require_open_for_evaluation(facts: SolicitationFacts) -> None:
    if facts.cancelled:
        raise Conflict("the solicitation was cancelled", code="solicitation_cancelled")
    if not facts.opened:
        raise Conflict("bids are evaluated after the opening", code="not_opened")
    if facts.solicitation_type == "RFI":
        raise Conflict("a request for information is not evaluated for award", code="not_awardable")


def require_not_final(state: Evaluation) -> None:
    if state.finalized is not None:
        raise Conflict("the scores are final; no changes", code="scores_final")


def start_events(state: Evaluation, facts: SolicitationFacts, ctx: Context) -> list[Event]:
    if state.started:
        return []
    return [EvaluationStarted(solicitation_id=facts.solicitation_id, agency_id=facts.agency_id,
                              started_at=ctx.now, started_by=ctx.actor.sub)]


def blank(text: str) -> bool:
    return not text.strip()


def in_scoring(state: Evaluation, bid: BidFacts) -> bool:
    """Responsive and responsible per its review, and counted at the opening."""
    review = state.reviews.get(bid.bid_id)
    return bid.counts and review is not None and review.responsive and review.responsible


def score_lists(state: Evaluation) -> dict[tuple[str, str], list[float]]:
    """The cleared evaluators' scores by (bid, criterion)."""
    cleared = set(state.cleared())
    found: dict[tuple[str, str], list[float]] = {}
    for (bid_id, evaluator, criterion_id), recorded in sorted(state.scores.items()):
        if evaluator in cleared:
            found.setdefault((bid_id, criterion_id), []).append(recorded.score)
    return found


def find_award(state: Evaluation, award_id: str) -> Award:
    award = state.awards.get(award_id)
    if award is None:
        raise NotFound(f"award {award_id} not found")
    return award


def _with_award(state: Evaluation, award_id: str, **changes: object) -> Evaluation:
    award = msgspec.structs.replace(state.awards[award_id], **changes)
    return msgspec.structs.replace(state, awards={**state.awards, award_id: award})


def evolve(state: Evaluation, event: Event) -> Evaluation:
    replace = msgspec.structs.replace
    match event:
        case EvaluationStarted():
            return replace(state, solicitation_id=event.solicitation_id,
                           agency_id=event.agency_id, started=True)
        case EvaluatorAppointed():
            return replace(state, evaluators={**state.evaluators, event.evaluator: APPOINTED})
        case ConflictDeclared():
            return replace(state, evaluators={**state.evaluators, event.evaluator: CLEARED},
                           declarations={**state.declarations, event.evaluator: event})
        case EvaluatorRemoved():
            return replace(state, evaluators={**state.evaluators, event.evaluator: REMOVED})
        case BidResponsivenessRecorded():
            return replace(state, reviews={**state.reviews, event.bid_id: event})
        case ScoreRecorded():
            key = (event.bid_id, event.evaluator, event.criterion_id)
            return replace(state, scores={**state.scores, key: event})
        case ScoresFinalized():
            return replace(state, finalized=event)
        case SolicitationUnsuccessful():
            return replace(state, unsuccessful=True)
        case EvaluationReopened():
            return replace(state, finalized=None, round=state.round + 1)
        case AwardRecommended():
            award = Award(award_id=event.award_id, bid_id=event.bid_id, vendor_id=event.vendor_id,
                          status="recommended", round=state.round, recommended=event)
            return replace(state, awards={**state.awards, event.award_id: award})
        case IntentToAwardPublished():
            return _with_award(state, event.award_id, status="intent_published",
                               protest_window_ends=event.protest_window_ends,
                               rules_applied=tuple(event.rules_applied))
        case ProtestWindowClosed():
            return _with_award(state, event.award_id, window_closed=True)
        case AwardFinalized():
            return _with_award(state, event.award_id, status="final", finalized=event)
        case AwardCancelled():
            moot = {pid: replace(p, status="moot") for pid, p in state.protests.items()
                    if p.award_id == event.award_id and p.status == "pending"}
            state = replace(state, protests={**state.protests, **moot})
            return _with_award(state, event.award_id, status="cancelled", cancelled=event)
        case ProtestFiled():
            return replace(state, protests={**state.protests, event.protest_id: Protest(filed=event)})
        case ProtestDecided():
            protest = replace(state.protests[event.protest_id], status=event.outcome, decision=event)
            return replace(state, protests={**state.protests, event.protest_id: protest})
    return state
