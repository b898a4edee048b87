"""Award events: evaluation of opened bids, the award decision, protests.

Every score, ranking and decision is recorded here so that an award can be explained
afterwards from the events alone. All evaluation events of one solicitation share one
stream; an award carries the scores it rests on and the rationale.
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from events.base import Event, Money
from events.compliance import RuleApplied


class CriterionPoints(msgspec.Struct, frozen=True, kw_only=True):
    """A bid's points on one criterion: ``consensus`` score (mean of the evaluators, or
    price points for the price criterion) scaled to the criterion's ``weight``."""

    criterion_id: str
    name: str
    weight: float
    consensus: float
    points: float


class RankedBid(msgspec.Struct, frozen=True, kw_only=True):
    """One responsive bid in the final tabulation (rank 1 wins)."""

    rank: int
    bid_id: str
    vendor_id: str
    price: Money
    total: float
    criteria: list[CriterionPoints] = []


class TieBreak(msgspec.Struct, frozen=True, kw_only=True):
    """How a tie among ``bid_ids`` was resolved: the rules in order, the rule that decided
    and, for a drawing, the seed (the drawing is reproducible from it)."""

    bid_ids: list[str]
    rules: list[str]
    decided_by_rule: str
    order: list[str]
    seed: str | None = None


class EvaluationStarted(Event, frozen=True, kw_only=True, tag="awards.EvaluationStarted.v1"):
    solicitation_id: str
    agency_id: str
    started_at: datetime | None = None
    started_by: str | None = None


class EvaluatorAppointed(Event, frozen=True, kw_only=True, tag="awards.EvaluatorAppointed.v1"):
    solicitation_id: str
    agency_id: str
    evaluator: str  # the evaluator's token subject
    appointed_by: str
    appointed_at: datetime


class ConflictDeclared(Event, frozen=True, kw_only=True, tag="awards.ConflictDeclared.v1"):
    """A conflict-of-interest declaration naming every bidder; ``conflicts`` lists the
    bidders the evaluator has a conflict with (empty: no conflict)."""

    solicitation_id: str
    evaluator: str
    bidders: list[str]
    conflicts: list[str] = []
    statement: str = ""
    declared_at: datetime


class EvaluatorRemoved(Event, frozen=True, kw_only=True, tag="awards.EvaluatorRemoved.v1"):
    solicitation_id: str
    evaluator: str
    reason: str
    removed_at: datetime


class BidResponsivenessRecorded(
    Event, frozen=True, kw_only=True, tag="awards.BidResponsivenessRecorded.v1"
):
    solicitation_id: str
    bid_id: str
    vendor_id: str
    responsive: bool
    responsible: bool = True
    reason: str = ""
    recorded_by: str
    recorded_at: datetime


class ScoreRecorded(Event, frozen=True, kw_only=True, tag="awards.ScoreRecorded.v1"):
    """An evaluator's score of a bid on one criterion; a later score replaces it."""

    solicitation_id: str
    bid_id: str
    evaluator: str
    criterion_id: str
    score: float
    comment: str
    recorded_at: datetime


class ScoresFinalized(Event, frozen=True, kw_only=True, tag="awards.ScoresFinalized.v1"):
    """Consensus: the ranking every award of this round rests on."""

    solicitation_id: str
    basis: str  # "lowest_price" | "highest_score"
    ranking: list[RankedBid]
    excluded_bids: list[str] = []  # non-responsive or non-responsible
    tie_breaks: list[TieBreak] = []
    finalized_by: str
    finalized_at: datetime


class EvaluationReopened(Event, frozen=True, kw_only=True, tag="awards.EvaluationReopened.v1"):
    """Scores may change again (a sustained protest ordered re-evaluation)."""

    solicitation_id: str
    reason: str
    reopened_at: datetime


class AwardRecommended(Event, frozen=True, kw_only=True, tag="awards.AwardRecommended.v1"):
    award_id: str
    solicitation_id: str
    agency_id: str
    bid_id: str
    vendor_id: str
    value: Money
    basis: str
    scores: RankedBid
    rationale: str
    recommended_by: str
    recommended_at: datetime
    contract_start: date
    contract_end: date
    terms_ref: str = ""
    requires_receipt: bool = True


class IntentToAwardPublished(
    Event, frozen=True, kw_only=True, tag="awards.IntentToAwardPublished.v1"
):
    award_id: str
    solicitation_id: str
    vendor_id: str
    value: Money
    protest_window_ends: datetime
    published_at: datetime | None = None
    #: the protest or standstill rule that set the window's end, with its citation
    rules_applied: list[RuleApplied] = []


class ProtestWindowClosed(Event, frozen=True, kw_only=True, tag="awards.ProtestWindowClosed.v1"):
    award_id: str
    solicitation_id: str
    closed_at: datetime


class ProtestFiled(Event, frozen=True, kw_only=True, tag="awards.ProtestFiled.v1"):
    protest_id: str
    award_id: str
    solicitation_id: str
    vendor_id: str
    grounds: str
    filed_by: str
    filed_at: datetime


class ProtestDecided(Event, frozen=True, kw_only=True, tag="awards.ProtestDecided.v1"):
    """``outcome``: "dismissed" | "sustained" | "withdrawn"; a sustained protest names its
    ``remedy``: "cancel_award" | "re_evaluate"."""

    protest_id: str
    award_id: str
    solicitation_id: str
    outcome: str
    remedy: str | None = None
    reason: str
    decided_by: str
    decided_at: datetime


class AwardFinalized(Event, frozen=True, kw_only=True, tag="awards.AwardFinalized.v1"):
    award_id: str
    solicitation_id: str
    agency_id: str
    vendor_id: str
    value: Money
    decided_by: str
    rationale: str
    finalized_at: datetime
    bid_id: str = ""
    scores: RankedBid | None = None
    contract_start: date | None = None
    contract_end: date | None = None
    terms_ref: str = ""
    requires_receipt: bool = True


class AwardCancelled(Event, frozen=True, kw_only=True, tag="awards.AwardCancelled.v1"):
    award_id: str
    solicitation_id: str
    reason: str
    cancelled_by: str | None = None
    cancelled_at: datetime | None = None


class SolicitationUnsuccessful(
    Event, frozen=True, kw_only=True, tag="awards.SolicitationUnsuccessful.v1"
):
    """No bid can be awarded (none responsive)."""

    solicitation_id: str
    reason: str


AwardEvent = (
    EvaluationStarted
    | EvaluatorAppointed
    | ConflictDeclared
    | EvaluatorRemoved
    | BidResponsivenessRecorded
    | ScoreRecorded
    | ScoresFinalized
    | EvaluationReopened
    | AwardRecommended
    | IntentToAwardPublished
    | ProtestWindowClosed
    | ProtestFiled
    | ProtestDecided
    | AwardFinalized
    | AwardCancelled
    | SolicitationUnsuccessful
)
