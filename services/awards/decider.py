"""The evaluation of one solicitation, its awards and their protests: one aggregate, so
that a pending protest, the finalised scores and the awards already made are checked
against one consistent state. Pure ``decide`` and ``evolve``.
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
    RankedBid,
    ScoreRecorded,
    ScoresFinalized,
    SolicitationUnsuccessful,
)
from events.base import Event
from kernel.context import Actor, Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from kernel.timers import Timer, timer
from services.awards.calendar import add_business_days
from services.awards.commands import (
    AppointEvaluator,
    CloseProtestWindow,
    Command,
    DecideProtest,
    DeclareConflicts,
    FileProtest,
    FinalizeAward,
    FinalizeScores,
    RecommendAward,
    RecordResponsiveness,
    RecordScores,
)
from services.awards.facts import BidFacts, SolicitationFacts
from services.awards.scoring import HIGHEST_SCORE, TIE_BREAK_RULES, basis_for, rank, tabulate

PROTEST_WINDOW_TIMER = "awards.protest_window"
OUTCOMES = ("dismissed", "sustained", "withdrawn")
REMEDIES = ("cancel_award", "re_evaluate")

# Evaluator status on a solicitation
APPOINTED, CLEARED, REMOVED = "appointed", "cleared", "removed"


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


# -- who may act -----------------------------------------------------------------------

def is_agency_buyer(actor: Actor, agency_id: str) -> bool:
    return actor.role == "buyer" and actor.agency == agency_id


def _require_buyer(ctx: Context, agency_id: str, *, admin: bool = True) -> None:
    actor = ctx.actor
    if actor.is_system or (admin and actor.role == "admin") or is_agency_buyer(actor, agency_id):
        return
    raise Forbidden("only a buyer of the issuing agency may do this", code="not_agency_buyer")


def evaluator_standing(state: Evaluation, actor: Actor, agency_id: str) -> str | None:
    """The caller's evaluator status on this solicitation (None: not an evaluator of it)."""
    if actor.role != "evaluator" or actor.agency != agency_id:
        return None
    return state.evaluators.get(actor.sub)


def _require_cleared(state: Evaluation, ctx: Context, agency_id: str) -> None:
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


def _require_open_for_evaluation(facts: SolicitationFacts) -> None:
    if facts.cancelled:
        raise Conflict("the solicitation was cancelled", code="solicitation_cancelled")
    if not facts.opened:
        raise Conflict("bids are evaluated after the opening", code="not_opened")
    if facts.solicitation_type == "RFI":
        raise Conflict("a request for information is not evaluated for award", code="not_awardable")


def _require_not_final(state: Evaluation) -> None:
    if state.finalized is not None:
        raise Conflict("the scores are final; no changes", code="scores_final")


def _start(state: Evaluation, facts: SolicitationFacts, ctx: Context) -> list[Event]:
    if state.started:
        return []
    return [EvaluationStarted(solicitation_id=facts.solicitation_id, agency_id=facts.agency_id,
                              started_at=ctx.now, started_by=ctx.actor.sub)]


def _blank(text: str) -> bool:
    return not text.strip()


def in_scoring(state: Evaluation, bid: BidFacts) -> bool:
    """Responsive and responsible per its review, and counted at the opening."""
    review = state.reviews.get(bid.bid_id)
    return bid.counts and review is not None and review.responsive and review.responsible


# -- decisions -------------------------------------------------------------------------

def _appoint(command: AppointEvaluator, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    _require_buyer(ctx, facts.agency_id)
    _require_open_for_evaluation(facts)
    _require_not_final(state)
    if _blank(command.evaluator):
        raise field_error("evaluator", "must name the evaluator's user")
    status = state.evaluators.get(command.evaluator)
    if status == REMOVED:
        raise Conflict("this evaluator declared a conflict and cannot evaluate this solicitation",
                       code="evaluator_removed")
    if status is not None:
        raise Conflict("already appointed", code="duplicate")
    return [*_start(state, facts, ctx), EvaluatorAppointed(
        solicitation_id=facts.solicitation_id, agency_id=facts.agency_id,
        evaluator=command.evaluator, appointed_by=ctx.actor.sub, appointed_at=ctx.now)]


def _declare(command: DeclareConflicts, state: Evaluation, ctx: Context) -> list[Event]:
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


def _review(command: RecordResponsiveness, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    if evaluator_standing(state, ctx.actor, facts.agency_id) is not None:
        _require_cleared(state, ctx, facts.agency_id)
    else:
        _require_buyer(ctx, facts.agency_id, admin=False)
    _require_open_for_evaluation(facts)
    _require_not_final(state)
    bid = facts.bid(command.bid_id)
    if bid is None:
        raise NotFound(f"bid {command.bid_id} is not an opened bid of this solicitation")
    if not bid.counts:
        raise Conflict("this bid did not acknowledge the latest addendum and does not count",
                       code="bid_not_counted")
    if not (command.responsive and command.responsible) and _blank(command.reason):
        raise field_error("reason", "a non-responsive or non-responsible finding needs a reason")
    return [*_start(state, facts, ctx), BidResponsivenessRecorded(
        solicitation_id=facts.solicitation_id, bid_id=bid.bid_id, vendor_id=bid.vendor_id,
        responsive=command.responsive, responsible=command.responsible,
        reason=command.reason.strip(), recorded_by=ctx.actor.sub, recorded_at=ctx.now)]


def _score(command: RecordScores, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    _require_cleared(state, ctx, facts.agency_id)
    _require_open_for_evaluation(facts)
    _require_not_final(state)
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
        if _blank(given.comment):
            raise field_error(f"scores[{i}].comment", "every score needs a comment")
        events.append(ScoreRecorded(
            solicitation_id=facts.solicitation_id, bid_id=bid.bid_id, evaluator=ctx.actor.sub,
            criterion_id=given.criterion_id, score=given.score, comment=given.comment.strip(),
            recorded_at=ctx.now))
    return events


def score_lists(state: Evaluation) -> dict[tuple[str, str], list[float]]:
    """The cleared evaluators' scores by (bid, criterion)."""
    cleared = set(state.cleared())
    found: dict[tuple[str, str], list[float]] = {}
    for (bid_id, evaluator, criterion_id), recorded in sorted(state.scores.items()):
        if evaluator in cleared:
            found.setdefault((bid_id, criterion_id), []).append(recorded.score)
    return found


def _finalize_scores(command: FinalizeScores, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    _require_buyer(ctx, facts.agency_id)
    _require_open_for_evaluation(facts)
    _require_not_final(state)
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
    events: list[Event] = [*_start(state, facts, ctx), ScoresFinalized(
        solicitation_id=facts.solicitation_id, basis=basis, ranking=ranking,
        excluded_bids=[b.bid_id for b in facts.bids if not in_scoring(state, b)],
        tie_breaks=ties, finalized_by=ctx.actor.sub, finalized_at=ctx.now)]
    if not ranking:
        events.append(SolicitationUnsuccessful(solicitation_id=facts.solicitation_id,
                                               reason="no responsive, responsible bid"))
    return events


def _unavailable_bids(state: Evaluation) -> set[str]:
    """Bids that cannot be recommended now: awarded, or cancelled in this round."""
    return {a.bid_id for a in state.awards.values()
            if a.active or (a.status == "cancelled" and a.round == state.round)}


def _recommend(command: RecommendAward, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    _require_buyer(ctx, facts.agency_id)
    _require_open_for_evaluation(facts)
    if state.finalized is None:
        raise Conflict("the scores must be finalised before an award", code="scores_not_final")
    if state.unsuccessful or not state.finalized.ranking:
        raise Conflict("no bid can be awarded", code="nothing_to_award")
    if _blank(command.rationale):
        raise field_error("rationale", "the award decision records its rationale")
    if command.contract_end <= command.contract_start:
        raise field_error("contract_end", "must be after contract_start")
    if not 1 <= command.protest_window_business_days <= 30:
        raise field_error("protest_window_business_days", "1 to 30 business days")
    if command.award_id in state.awards:
        raise Conflict("award already exists", code="duplicate")
    if not facts.allows_multiple_awards and any(a.active for a in state.awards.values()):
        raise Conflict("this solicitation allows a single award and it has one",
                       code="already_awarded")
    unavailable = _unavailable_bids(state) | {
        b.bid_id for b in state.finalized.ranking
        if command.vendors.get(b.vendor_id) is not None and command.vendors[b.vendor_id].excluded}
    ranking = state.finalized.ranking
    chosen: RankedBid | None
    if command.bid_id is None:
        chosen = next((b for b in ranking if b.bid_id not in unavailable), None)
        if chosen is None:
            raise Conflict("every ranked bid is awarded, cancelled or excluded", code="nothing_to_award")
    else:
        chosen = next((b for b in ranking if b.bid_id == command.bid_id), None)
        if chosen is None:
            raise Conflict("the bid is not in the final ranking (non-responsive or unknown)",
                           code="not_ranked")
        if any(a.active and a.bid_id == chosen.bid_id for a in state.awards.values()):
            raise Conflict("this bid already has an award", code="already_awarded")
        better = [b.bid_id for b in ranking if b.rank < chosen.rank and b.bid_id not in unavailable]
        if better:
            raise Conflict("a better-ranked bid must be awarded first", code="outranked",
                           details={"bids": better})
    value = chosen.price
    if command.value is not None:
        if not facts.allows_multiple_awards:
            raise field_error("value", "a split award needs a solicitation that allows multiple awards")
        if command.value.currency != chosen.price.currency or not 0 < command.value.amount <= chosen.price.amount:
            raise field_error("value", "a positive share of the bid's price, in its currency")
        value = command.value
    vendor = command.vendors.get(chosen.vendor_id)
    if vendor is not None and vendor.excluded:
        raise Conflict("the vendor is on the exclusion list and cannot be awarded",
                       code="vendor_excluded")
    ends = add_business_days(ctx.now, command.protest_window_business_days)
    recommended = AwardRecommended(
        award_id=command.award_id, solicitation_id=facts.solicitation_id,
        agency_id=facts.agency_id, bid_id=chosen.bid_id, vendor_id=chosen.vendor_id,
        value=value, basis=state.finalized.basis, scores=chosen,
        rationale=command.rationale.strip(), recommended_by=ctx.actor.sub,
        recommended_at=ctx.now, contract_start=command.contract_start,
        contract_end=command.contract_end, terms_ref=command.terms_ref,
        requires_receipt=command.requires_receipt)
    return [recommended, IntentToAwardPublished(
        award_id=command.award_id, solicitation_id=facts.solicitation_id,
        vendor_id=chosen.vendor_id, value=value, protest_window_ends=ends,
        published_at=ctx.now)]


def _award(state: Evaluation, award_id: str) -> Award:
    award = state.awards.get(award_id)
    if award is None:
        raise NotFound(f"award {award_id} not found")
    return award


def _close_window(command: CloseProtestWindow, state: Evaluation, ctx: Context) -> list[Event]:
    award = _award(state, command.award_id)
    ends = award.protest_window_ends
    if award.status != "intent_published" or award.window_closed or ends is None or ctx.now < ends:
        return []  # a stale timer: the award moved on
    return [ProtestWindowClosed(award_id=award.award_id, solicitation_id=state.solicitation_id,
                                closed_at=ctx.now)]


def _file_protest(command: FileProtest, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    actor = ctx.actor
    if actor.role != "vendor" or actor.vendor not in facts.bidders:
        raise Forbidden("only a bidder on this solicitation may protest", code="not_a_bidder")
    award = _award(state, command.award_id)
    if award.status != "intent_published":
        raise Conflict(f"the award is {award.status}; protests are closed",
                       code="award_not_protestable")
    ends = award.protest_window_ends
    if ends is not None and (award.window_closed or ctx.now >= ends):
        raise Conflict(f"the protest window closed at {ends.isoformat()}",
                       code="protest_window_closed", details={"protest_window_ends": ends.isoformat()})
    if _blank(command.grounds):
        raise field_error("grounds", "a protest states its grounds")
    if any(p.filed.vendor_id == actor.vendor and p.award_id == award.award_id and p.status == "pending"
           for p in state.protests.values()):
        raise Conflict("this bidder already has a pending protest of this award",
                       code="protest_pending")
    if command.protest_id in state.protests:
        raise Conflict("protest already exists", code="duplicate")
    return [ProtestFiled(
        protest_id=command.protest_id, award_id=award.award_id,
        solicitation_id=state.solicitation_id, vendor_id=actor.vendor, grounds=command.grounds.strip(),
        filed_by=actor.sub, filed_at=ctx.now)]


def _decide_protest(command: DecideProtest, state: Evaluation, ctx: Context) -> list[Event]:
    protest = state.protests.get(command.protest_id)
    if protest is None:
        raise NotFound(f"protest {command.protest_id} not found")
    if command.outcome not in OUTCOMES:
        raise field_error("outcome", f"one of {', '.join(OUTCOMES)}")
    protester = ctx.actor.role == "vendor" and ctx.actor.vendor == protest.filed.vendor_id
    if not (command.outcome == "withdrawn" and protester):
        _require_buyer(ctx, state.agency_id)
    if protest.status != "pending":
        raise Conflict(f"the protest is already {protest.status}", code="protest_decided")
    if _blank(command.reason):
        raise field_error("reason", "a decision states its reason")
    if command.outcome == "sustained" and command.remedy not in REMEDIES:
        raise field_error("remedy", f"a sustained protest names its remedy: {', '.join(REMEDIES)}")
    if command.outcome != "sustained" and command.remedy is not None:
        raise field_error("remedy", "only a sustained protest has a remedy")
    decided = ProtestDecided(
        protest_id=protest.filed.protest_id, award_id=protest.award_id,
        solicitation_id=state.solicitation_id, outcome=command.outcome, remedy=command.remedy,
        reason=command.reason.strip(), decided_by=ctx.actor.sub, decided_at=ctx.now)
    if command.outcome != "sustained":
        return [decided]
    events: list[Event] = [decided, AwardCancelled(
        award_id=protest.award_id, solicitation_id=state.solicitation_id,
        reason=f"protest {protest.filed.protest_id} sustained: {command.reason.strip()}",
        cancelled_by=ctx.actor.sub, cancelled_at=ctx.now)]
    if command.remedy == "re_evaluate" and state.finalized is not None:
        events.append(EvaluationReopened(
            solicitation_id=state.solicitation_id,
            reason=f"protest {protest.filed.protest_id} sustained", reopened_at=ctx.now))
    return events


def _finalize_award(command: FinalizeAward, state: Evaluation, ctx: Context) -> list[Event]:
    _require_buyer(ctx, state.agency_id)
    award = _award(state, command.award_id)
    if award.status == "final":
        raise Conflict("the award is already final", code="award_final")
    if award.status == "cancelled":
        raise Conflict("the award was cancelled", code="award_cancelled")
    if award.status != "intent_published" or award.protest_window_ends is None:
        raise Conflict("the notice of intent to award is not published", code="intent_not_published")
    pending = state.pending_protests(award.award_id)
    if pending:
        raise Conflict("a pending protest blocks the final award", code="protest_pending",
                       details={"protests": pending})
    ends = award.protest_window_ends
    if ctx.now < ends:
        raise Conflict(f"the protest window is open until {ends.isoformat()}",
                       code="protest_window_open", details={"protest_window_ends": ends.isoformat()})
    if command.vendor.excluded:
        raise Conflict("the vendor is on the exclusion list and cannot be awarded",
                       code="vendor_excluded")
    if command.solicitation_cancelled:
        raise Conflict("the solicitation was cancelled", code="solicitation_cancelled")
    rec = award.recommended
    return [AwardFinalized(
        award_id=award.award_id, solicitation_id=rec.solicitation_id, agency_id=rec.agency_id,
        vendor_id=rec.vendor_id, value=rec.value, decided_by=ctx.actor.sub,
        rationale=command.rationale.strip() or rec.rationale, finalized_at=ctx.now,
        bid_id=rec.bid_id, scores=rec.scores, contract_start=rec.contract_start,
        contract_end=rec.contract_end, terms_ref=rec.terms_ref,
        requires_receipt=rec.requires_receipt)]


def decide(command: Command, state: Evaluation, ctx: Context) -> list[Event]:
    match command:
        case AppointEvaluator():
            return _appoint(command, state, ctx)
        case DeclareConflicts():
            return _declare(command, state, ctx)
        case RecordResponsiveness():
            return _review(command, state, ctx)
        case RecordScores():
            return _score(command, state, ctx)
        case FinalizeScores():
            return _finalize_scores(command, state, ctx)
        case RecommendAward():
            return _recommend(command, state, ctx)
        case CloseProtestWindow():
            return _close_window(command, state, ctx)
        case FileProtest():
            return _file_protest(command, state, ctx)
        case DecideProtest():
            return _decide_protest(command, state, ctx)
        case FinalizeAward():
            return _finalize_award(command, state, ctx)
    raise TypeError(f"unknown command {command!r}")


# -- state -----------------------------------------------------------------------------

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
                               protest_window_ends=event.protest_window_ends)
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


STREAM_PREFIX = "evaluation"


def timers(event: Event) -> list[Timer]:
    """The end of a protest window wakes the award up (``CloseProtestWindow``)."""
    if isinstance(event, IntentToAwardPublished):
        return [timer(PROTEST_WINDOW_TIMER, f"{STREAM_PREFIX}-{event.solicitation_id}",
                      event.protest_window_ends, award_id=event.award_id,
                      solicitation_id=event.solicitation_id)]
    return []


EVALUATION = Decider(stream_prefix=STREAM_PREFIX, initial=Evaluation, decide=decide,
                     evolve=evolve, timers=timers)
