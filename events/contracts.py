"""Contract events: opened from a final award, signed, amended, rated, ended; its phases,
KPI reviews, options, deliverables and renewal stage."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from events.base import Event, Money
from events.solicitations import CooperativeStatement


class CatalogItem(msgspec.Struct, frozen=True, kw_only=True):
    """A line of the contract's catalog: the winning bid's unit price for a schedule line."""

    item_id: str
    description: str
    commodity_code: str
    unit: str
    unit_price: Money
    estimated_quantity: int


class ContractOpened(Event, frozen=True, kw_only=True, tag="contracts.ContractOpened.v1"):
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
    #: a modification changing the value by more than this share of the original value
    #: needs an admin's approval
    approval_share: float = 0.25
    opened_at: datetime | None = None
    title: str = ""
    #: the winning bid's price schedule (empty when the solicitation had none)
    catalog: list[CatalogItem] = []
    #: the most a unit price may rise in each option year, in percent
    escalation_cap_percent: float | None = None
    #: who else may buy from it (``None``: not cooperative; it can never be joined)
    cooperative: CooperativeStatement | None = None


class ContractSigned(Event, frozen=True, kw_only=True, tag="contracts.ContractSigned.v1"):
    contract_id: str
    party: str  # "buyer" | "vendor"
    signed_by: str
    signed_at: datetime | None = None


class ContractActivated(Event, frozen=True, kw_only=True, tag="contracts.ContractActivated.v1"):
    contract_id: str
    activated_at: datetime
    end_date: date | None = None


class ModificationProposed(
    Event, frozen=True, kw_only=True, tag="contracts.ModificationProposed.v1"
):
    """An amendment beyond the approval share, waiting for an admin."""

    contract_id: str
    number: int
    kind: str  # "value_change" | "time_extension" | "option_exercise" | "other"
    reason: str
    value: Money
    end_date: date
    proposed_by: str
    proposed_at: datetime


class ModificationRejected(
    Event, frozen=True, kw_only=True, tag="contracts.ModificationRejected.v1"
):
    contract_id: str
    number: int
    reason: str
    rejected_by: str
    rejected_at: datetime


class ContractModified(Event, frozen=True, kw_only=True, tag="contracts.ContractModified.v1"):
    """Amendment ``number`` in force: ``value`` is the new total, ``end_date`` the new end."""

    contract_id: str
    number: int
    reason: str
    value: Money
    end_date: date
    kind: str = "other"
    approved_by: str | None = None
    modified_at: datetime | None = None


class ContractExpiryNoticed(
    Event, frozen=True, kw_only=True, tag="contracts.ContractExpiryNoticed.v1"
):
    contract_id: str
    days_before: int
    end_date: date | None = None


class ContractCompleted(Event, frozen=True, kw_only=True, tag="contracts.ContractCompleted.v1"):
    contract_id: str
    completed_at: datetime | None = None
    reason: str = ""


class ContractTerminated(Event, frozen=True, kw_only=True, tag="contracts.ContractTerminated.v1"):
    contract_id: str
    reason: str
    terminated_by: str | None = None
    terminated_at: datetime | None = None


class PerformanceRated(Event, frozen=True, kw_only=True, tag="contracts.PerformanceRated.v1"):
    """The buyer's rating of the vendor's performance, each 1-5."""

    contract_id: str
    rating_id: str
    vendor_id: str
    quality: int
    timeliness: int
    cost_control: int
    communication: int
    comment: str = ""
    rated_by: str
    rated_at: datetime


class PerformanceResponded(
    Event, frozen=True, kw_only=True, tag="contracts.PerformanceResponded.v1"
):
    """The vendor's answer to a rating."""

    contract_id: str
    rating_id: str
    response: str
    responded_by: str
    responded_at: datetime


class Kpi(msgspec.Struct, frozen=True, kw_only=True):
    """A key performance indicator of a phase: what is measured, in which unit, against
    which target, and how it is measured."""

    name: str
    unit: str  # see services/contracts/phases.py UNITS
    target: float
    measurement: str


class ContractOption(msgspec.Struct, frozen=True, kw_only=True):
    """An option the buyer may exercise after the phase it follows: more years or more
    quantity, for ``added_value``, by ``exercise_deadline``."""

    option_id: str
    kind: str  # "extra_years" | "extra_quantity"
    description: str
    added_value: Money
    exercise_deadline: date
    #: the new end date once exercised (extra years)
    extend_to: date | None = None
    #: the extra quantity (extra quantity)
    quantity: int | None = None


class PhaseAdded(Event, frozen=True, kw_only=True, tag="contracts.PhaseAdded.v1"):
    """A phase of the contract: a pilot, or a scale-up after the phase it ``follows``, with
    its budget, dates, KPIs and the options it leads to."""

    contract_id: str
    phase_id: str
    kind: str  # "pilot" | "scale_up"
    name: str
    budget: Money
    start_date: date
    end_date: date
    kpis: tuple[Kpi, ...]
    options: tuple[ContractOption, ...] = ()
    follows: str | None = None
    added_by: str
    added_at: datetime


class KpiResult(msgspec.Struct, frozen=True, kw_only=True):
    kpi: str  # the KPI's name
    measured: float
    met: bool
    evidence: tuple[str, ...]  # document ids attached to the contract


class PhaseReviewed(Event, frozen=True, kw_only=True, tag="contracts.PhaseReviewed.v1"):
    """The performance review of an ended phase: each KPI's result; ``passed`` when every
    KPI was met."""

    contract_id: str
    phase_id: str
    review_id: str
    results: tuple[KpiResult, ...]
    passed: bool
    summary: str = ""
    reviewed_by: str
    reviewed_at: datetime


class ReviewJustified(Event, frozen=True, kw_only=True, tag="contracts.ReviewJustified.v1"):
    """An approver's justification for scaling up after a review that did not pass."""

    contract_id: str
    phase_id: str
    review_id: str
    justification: str
    approved_by: str
    approved_at: datetime


class OptionExercised(Event, frozen=True, kw_only=True, tag="contracts.OptionExercised.v1"):
    """The buyer exercised an option; amendment ``number`` carries its value and term (in
    force at once, or awaiting approval beyond the approval share)."""

    contract_id: str
    option_id: str
    number: int
    exercised_by: str
    exercised_at: datetime


class OptionDeadlineReminded(
    Event, frozen=True, kw_only=True, tag="contracts.OptionDeadlineReminded.v1"
):
    contract_id: str
    option_id: str
    exercise_deadline: date
    days_before: int
    description: str = ""


class OptionLapsed(Event, frozen=True, kw_only=True, tag="contracts.OptionLapsed.v1"):
    """The exercise deadline passed with the option unexercised."""

    contract_id: str
    option_id: str
    exercise_deadline: date
    lapsed_at: datetime


class DeliverableAdded(Event, frozen=True, kw_only=True, tag="contracts.DeliverableAdded.v1"):
    """Something the vendor delivers on each of ``due_dates`` (a schedule, expanded)."""

    contract_id: str
    deliverable_id: str
    title: str
    description: str = ""
    schedule: str | None = None  # "monthly" | "quarterly" | "annual"; None: the dates given
    due_dates: tuple[date, ...]
    #: the evaluation criterion of the winning bid it monitors, if it came from one
    criterion_id: str | None = None
    added_by: str
    added_at: datetime


class DeliverableSubmitted(
    Event, frozen=True, kw_only=True, tag="contracts.DeliverableSubmitted.v1"
):
    contract_id: str
    deliverable_id: str
    submission_id: str
    due_date: date
    document_id: str
    statement: str
    submitted_by: str
    submitted_at: datetime


class SubmissionDecided(Event, frozen=True, kw_only=True, tag="contracts.SubmissionDecided.v1"):
    contract_id: str
    deliverable_id: str
    submission_id: str
    accepted: bool
    reason: str
    decided_by: str
    decided_at: datetime


class DeliverableOverdue(Event, frozen=True, kw_only=True, tag="contracts.DeliverableOverdue.v1"):
    """A due date passed without an accepted or pending submission."""

    contract_id: str
    deliverable_id: str
    due_date: date
    noticed_at: datetime
    title: str = ""


class RenewalStageSet(Event, frozen=True, kw_only=True, tag="contracts.RenewalStageSet.v1"):
    contract_id: str
    stage: str  # "plan" | "exercise_option" | "re_compete" | "let_lapse"
    note: str = ""
    set_by: str
    set_at: datetime


ContractEvent = (
    ContractOpened
    | ContractSigned
    | ContractActivated
    | ModificationProposed
    | ModificationRejected
    | ContractModified
    | ContractExpiryNoticed
    | ContractCompleted
    | ContractTerminated
    | PerformanceRated
    | PerformanceResponded
    | PhaseAdded
    | PhaseReviewed
    | ReviewJustified
    | OptionExercised
    | OptionDeadlineReminded
    | OptionLapsed
    | DeliverableAdded
    | DeliverableSubmitted
    | SubmissionDecided
    | DeliverableOverdue
    | RenewalStageSet
)
