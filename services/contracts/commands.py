"""Commands (imperative) of a contract."""

from __future__ import annotations

from datetime import date

import msgspec

from events.base import Money
from events.contracts import CatalogItem, ContractOption, Kpi, KpiResult
from events.solicitations import CooperativeStatement


class OpenContract(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    award_id: str
    solicitation_id: str
    agency_id: str
    vendor_id: str
    value: Money
    start_date: date
    end_date: date
    terms_ref: str
    requires_receipt: bool
    approval_share: float
    title: str = ""
    catalog: list[CatalogItem] = []
    escalation_cap_percent: float | None = None
    cooperative: CooperativeStatement | None = None


class SignContract(msgspec.Struct, frozen=True, kw_only=True):
    pass


class ModifyContract(msgspec.Struct, frozen=True, kw_only=True):
    kind: str  # "value_change" | "time_extension" | "option_exercise" | "other"
    reason: str
    value: Money | None = None  # the new total
    end_date: date | None = None


class ApproveModification(msgspec.Struct, frozen=True, kw_only=True):
    number: int


class RejectModification(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    reason: str


class RecordExpiryNotice(msgspec.Struct, frozen=True, kw_only=True):
    days_before: int
    end_date: date


class EndTerm(msgspec.Struct, frozen=True, kw_only=True):
    """The end date passed (a timer)."""

    end_date: date


class CompleteContract(msgspec.Struct, frozen=True, kw_only=True):
    reason: str = ""


class TerminateContract(msgspec.Struct, frozen=True, kw_only=True):
    reason: str


class RatePerformance(msgspec.Struct, frozen=True, kw_only=True):
    rating_id: str
    quality: int
    timeliness: int
    cost_control: int
    communication: int
    comment: str = ""


class RespondToRating(msgspec.Struct, frozen=True, kw_only=True):
    rating_id: str
    response: str


class AddPhase(msgspec.Struct, frozen=True, kw_only=True):
    phase_id: str
    kind: str  # "pilot" | "scale_up"
    name: str
    budget: Money
    start_date: date
    end_date: date
    kpis: tuple[Kpi, ...]
    options: tuple[ContractOption, ...] = ()
    follows: str | None = None


class ReviewPhase(msgspec.Struct, frozen=True, kw_only=True):
    phase_id: str
    review_id: str
    results: tuple[KpiResult, ...]
    summary: str = ""
    #: the ids of the documents attached to the contract (evidence must be among them)
    contract_documents: frozenset[str] = frozenset()


class JustifyReview(msgspec.Struct, frozen=True, kw_only=True):
    phase_id: str
    review_id: str
    justification: str


class ExerciseOption(msgspec.Struct, frozen=True, kw_only=True):
    option_id: str
    reason: str = ""


class RemindOption(msgspec.Struct, frozen=True, kw_only=True):
    """The reminder before an option's exercise deadline (a timer)."""

    option_id: str
    exercise_deadline: date
    days_before: int


class LapseOption(msgspec.Struct, frozen=True, kw_only=True):
    """The option's exercise deadline passed (a timer)."""

    option_id: str
    exercise_deadline: date


class NewDeliverable(msgspec.Struct, frozen=True, kw_only=True):
    deliverable_id: str
    title: str
    description: str = ""
    #: the dates given, or a schedule from ``first_due`` to the end of the term
    due_dates: tuple[date, ...] | None = None
    schedule: str | None = None  # "monthly" | "quarterly" | "annual"
    first_due: date | None = None
    criterion_id: str | None = None


class AddDeliverables(msgspec.Struct, frozen=True, kw_only=True):
    """One deliverable, or several at once (from the criteria of the winning bid)."""

    items: tuple[NewDeliverable, ...]


class SubmitDeliverable(msgspec.Struct, frozen=True, kw_only=True):
    deliverable_id: str
    submission_id: str
    document_id: str
    statement: str
    #: which due date it answers; None: the earliest still open
    due_date: date | None = None
    contract_documents: frozenset[str] = frozenset()


class DecideSubmission(msgspec.Struct, frozen=True, kw_only=True):
    deliverable_id: str
    submission_id: str
    accept: bool
    reason: str = ""


class MarkOverdue(msgspec.Struct, frozen=True, kw_only=True):
    """A deliverable's due date passed (a timer)."""

    deliverable_id: str
    due_date: date


class SetRenewalStage(msgspec.Struct, frozen=True, kw_only=True):
    stage: str  # "plan" | "exercise_option" | "re_compete" | "let_lapse"
    note: str = ""


Command = (
    OpenContract | SignContract | ModifyContract | ApproveModification | RejectModification
    | RecordExpiryNotice | EndTerm | CompleteContract | TerminateContract | RatePerformance
    | RespondToRating | AddPhase | ReviewPhase | JustifyReview | ExerciseOption | RemindOption
    | LapseOption | AddDeliverables | SubmitDeliverable | DecideSubmission | MarkOverdue
    | SetRenewalStage
)
