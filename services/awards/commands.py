"""Commands (imperative) of the evaluation and award of one solicitation.

Each carries the facts of other contexts it is decided on (``inputs.py``), read at the
edge; the decider stays pure.
"""

from __future__ import annotations

from datetime import date

import msgspec

from events.base import Money
from services.awards.inputs import SolicitationFacts, VendorFacts
from services.awards.scoring import TIE_BREAK_RULES
from services.solicitations.facts import ProcessRules


class AppointEvaluator(msgspec.Struct, frozen=True, kw_only=True):
    solicitation: SolicitationFacts
    evaluator: str


class DeclareConflicts(msgspec.Struct, frozen=True, kw_only=True):
    solicitation: SolicitationFacts
    bidders: list[str]
    conflicts: list[str] = []
    statement: str = ""


class RecordResponsiveness(msgspec.Struct, frozen=True, kw_only=True):
    solicitation: SolicitationFacts
    bid_id: str
    responsive: bool
    responsible: bool = True
    reason: str = ""


class CriterionScore(msgspec.Struct, frozen=True, kw_only=True):
    criterion_id: str
    score: float
    comment: str


class RecordScores(msgspec.Struct, frozen=True, kw_only=True):
    solicitation: SolicitationFacts
    bid_id: str
    scores: list[CriterionScore]


class FinalizeScores(msgspec.Struct, frozen=True, kw_only=True):
    solicitation: SolicitationFacts
    vendors: dict[str, VendorFacts]
    seed: str
    tie_break_rules: tuple[str, ...] = TIE_BREAK_RULES


class RecommendAward(msgspec.Struct, frozen=True, kw_only=True):
    solicitation: SolicitationFacts
    award_id: str
    rationale: str
    contract_start: date
    contract_end: date
    vendors: dict[str, VendorFacts]
    bid_id: str | None = None  # None: the best-ranked bid still available
    value: Money | None = None  # a split award's share; None: the bid's price
    terms_ref: str = ""
    requires_receipt: bool = True
    protest_window_business_days: int = 5
    #: the solicitation's zone, holiday calendar and legal periods after a notice of intent
    rules: ProcessRules | None = None


class CloseProtestWindow(msgspec.Struct, frozen=True, kw_only=True):
    award_id: str


class FileProtest(msgspec.Struct, frozen=True, kw_only=True):
    solicitation: SolicitationFacts
    award_id: str
    protest_id: str
    grounds: str


class DecideProtest(msgspec.Struct, frozen=True, kw_only=True):
    protest_id: str
    outcome: str  # "dismissed" | "sustained" | "withdrawn"
    reason: str
    remedy: str | None = None  # "cancel_award" | "re_evaluate" when sustained


class FinalizeAward(msgspec.Struct, frozen=True, kw_only=True):
    award_id: str
    vendor: VendorFacts
    solicitation_cancelled: bool = False
    rationale: str = ""


Command = (
    AppointEvaluator | DeclareConflicts | RecordResponsiveness | RecordScores | FinalizeScores
    | RecommendAward | CloseProtestWindow | FileProtest | DecideProtest | FinalizeAward
)
