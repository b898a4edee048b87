"""What a contract shows, and to whom: the contracting agency (buyers, finance), the
vendor party, admins and auditors. Nobody else."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, cast

import msgspec

from events.base import Money
from events.contracts import CatalogItem
from events.solicitations import CooperativeStatement
from infra.http.bodies import MoneyIn
from kernel.context import Actor
from kernel.errors import Forbidden, NotFound
from services.contracts.aggregate import Deliverable, OptionState, Phase, Submission
from services.contracts.decider import Contract, Rating
from services.documents.facts import AttachedDocument, of_part


class SignatureOut(msgspec.Struct, frozen=True, kw_only=True):
    party: str
    signed_by: str
    signed_at: datetime | None


class AmendmentOut(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    kind: str
    reason: str
    value: Money
    end_date: date
    status: Literal["in_force", "awaiting_approval"]
    proposed_by: str | None = None
    approved_by: str | None = None
    at: datetime | None = None
    #: the amendment's documents (each version)
    attachments: list[AttachedDocument] = []


class RatingResponseOut(msgspec.Struct, frozen=True, kw_only=True):
    """The vendor's answer to a rating."""

    response: str
    responded_by: str
    responded_at: datetime


class RatingOut(msgspec.Struct, frozen=True, kw_only=True):
    """A performance rating (1 to 5 on each count) and the vendor's response, if any."""

    rating_id: str
    contract_id: str
    quality: int
    timeliness: int
    cost_control: int
    communication: int
    average: float
    comment: str
    rated_by: str
    rated_at: datetime
    response: RatingResponseOut | None = None


class EndOut(msgspec.Struct, frozen=True, kw_only=True):
    reason: str
    at: datetime | None


#: a contract's life: pending (awaiting both signatures) -> active -> completed (its term
#: ended) | terminated
ContractStatus = Literal["pending", "active", "completed", "terminated"]


class ContractOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    #: the same as ``id`` (kept for clients written before ``id``; deprecated)
    contract_id: str
    award_id: str
    solicitation_id: str
    agency_id: str
    vendor_id: str
    status: ContractStatus
    original_value: Money
    value: Money
    start_date: date
    end_date: date
    terms_ref: str
    requires_receipt: bool
    approval_share: float
    signatures: list[SignatureOut]
    activated_at: datetime | None
    amendments: list[AmendmentOut]
    expiry_notices: list[int]
    ratings: list[RatingOut]
    ended: EndOut | None = None
    version: int = 0
    #: a pilot and the scale-up phases after it, each with its KPIs and review
    phases: list[PhaseOut] = []
    #: options (extra years, extra quantity) with their exercise deadlines
    options: list[OptionOut] = []
    #: what the vendor delivers, when, and what was submitted and decided
    deliverables: list[DeliverableOut] = []
    #: the buyer's renewal stage (plan, exercise option, re-compete, let lapse) and since when
    renewal: RenewalOut | None = None
    title: str = ""
    #: the winning bid's price schedule: what orders are priced from
    catalog: list[CatalogItem] = []
    #: the most a unit price may rise in each option year, in percent
    escalation_cap_percent: float | None = None
    #: who else may buy from the contract (``None``: it is not cooperative)
    cooperative: CooperativeStatement | None = None
    #: the signed contract and every other document attached to it (amendments' too)
    attachments: list[AttachedDocument] = []


class ContractSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    #: the same as ``id`` (kept for clients written before ``id``; deprecated)
    contract_id: str
    award_id: str
    solicitation_id: str
    agency_id: str
    vendor_id: str
    value: Money
    start_date: date
    end_date: date
    status: ContractStatus
    attachments: list[AttachedDocument] = []


def with_documents(contract: ContractOut, attachments: list[AttachedDocument]) -> ContractOut:
    """The contract's documents, and each amendment's own among them."""
    replace = msgspec.structs.replace
    return replace(contract, attachments=attachments, amendments=[
        replace(a, attachments=of_part(attachments, f"amendment:{a.number}")) for a in contract.amendments])


def require_access(state: Contract, actor: Actor) -> None:
    opened = state.opened
    if opened is None:
        raise NotFound("contract not found")
    if actor.role in ("admin", "auditor"):
        return
    if actor.role in ("buyer", "finance") and actor.agency == opened.agency_id:
        return
    if actor.role == "vendor" and actor.vendor == opened.vendor_id:
        return
    raise Forbidden("only the parties to a contract see it", code="not_a_party")


def rating_out(rating: Rating) -> RatingOut:
    r = rating.rated
    response = rating.response
    return RatingOut(
        rating_id=r.rating_id, contract_id=r.contract_id, quality=r.quality,
        timeliness=r.timeliness, cost_control=r.cost_control, communication=r.communication,
        average=round((r.quality + r.timeliness + r.cost_control + r.communication) / 4, 2),
        comment=r.comment, rated_by=r.rated_by, rated_at=r.rated_at,
        response=RatingResponseOut(response=response.response, responded_by=response.responded_by,
                                   responded_at=response.responded_at) if response else None)


def contract_out(state: Contract, version: int, actor: Actor) -> ContractOut:
    require_access(state, actor)
    opened = state.opened
    assert opened is not None and state.value is not None and state.end_date is not None
    amendments = [AmendmentOut(number=a.number, kind=a.kind, reason=a.reason, value=a.value,
                               end_date=a.end_date, status="in_force", approved_by=a.approved_by,
                               at=a.modified_at) for a in state.amendments]
    amendments += [AmendmentOut(number=p.number, kind=p.kind, reason=p.reason, value=p.value,
                                end_date=p.end_date, status="awaiting_approval",
                                proposed_by=p.proposed_by, at=p.proposed_at)
                   for p in state.proposals.values()]
    ended = state.ended
    return ContractOut(
        id=opened.contract_id, contract_id=opened.contract_id, award_id=opened.award_id,
        solicitation_id=opened.solicitation_id, agency_id=opened.agency_id,
        vendor_id=opened.vendor_id, status=cast(ContractStatus, state.status), original_value=opened.value,
        value=state.value, start_date=opened.start_date, end_date=state.end_date,
        terms_ref=opened.terms_ref, requires_receipt=opened.requires_receipt,
        approval_share=opened.approval_share,
        signatures=[SignatureOut(party=s.party, signed_by=s.signed_by, signed_at=s.signed_at)
                    for s in state.signatures.values()],
        activated_at=state.activated_at, amendments=amendments,
        expiry_notices=sorted({days for days, end in state.notices if end == state.end_date},
                              reverse=True),
        ratings=[rating_out(r) for r in state.ratings.values()],
        ended=EndOut(reason=ended.reason, at=ended.completed_at if hasattr(ended, "completed_at")
                     else ended.terminated_at) if ended else None,
        version=version,
        phases=[phase_out(state, p) for p in state.phases.values()],
        options=[option_out(o) for o in state.options.values()],
        deliverables=[deliverable_out(d) for d in state.deliverables.values()],
        renewal=renewal_out(state),
        title=opened.title, catalog=list(opened.catalog),
        escalation_cap_percent=opened.escalation_cap_percent, cooperative=opened.cooperative,
    )


Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]

Score = Annotated[int, msgspec.Meta(ge=1, le=5)]

class ModificationIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: Literal["value_change", "time_extension", "option_exercise", "other"]
    reason: Reason
    value: MoneyIn | None = None  # the new total value
    end_date: date | None = None

class ApprovalIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    approve: bool
    reason: Annotated[str, msgspec.Meta(max_length=4000)] = ""

class RatingIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    quality: Score
    timeliness: Score
    cost_control: Score
    communication: Score
    comment: Annotated[str, msgspec.Meta(max_length=4000)] = ""

class ResponseIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    response: Reason

class EndIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Reason

class CompleteIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=4000)] = ""


# -- phases, reviews, options, deliverables, renewal ------------------------------------

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Text = Annotated[str, msgspec.Meta(max_length=4000)]
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
#: a KPI's target or measured value (its unit narrows the range further)
KpiValue = Annotated[float, msgspec.Meta(ge=0, le=10**15)]
KpiUnit = Literal["percent", "count", "days", "hours", "minutes", "score_1_to_5", "ratio", "minor_units"]


class KpiIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Name
    unit: KpiUnit
    target: KpiValue
    #: how it is measured (source, method, period)
    measurement: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class OptionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: Literal["extra_years", "extra_quantity"]
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    #: what exercising adds to the contract's value
    added_value: MoneyIn
    #: the last day it may be exercised (inside the term, after the phase ends)
    exercise_deadline: date
    #: the new end date (extra years: required)
    extend_to: date | None = None
    #: the extra quantity (extra quantity: required)
    quantity: Annotated[int, msgspec.Meta(ge=1, le=1_000_000_000)] | None = None


class PhaseIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: Literal["pilot", "scale_up"]
    name: Name
    budget: MoneyIn
    start_date: date
    end_date: date
    kpis: Annotated[list[KpiIn], msgspec.Meta(min_length=1, max_length=50)]
    #: the options this phase leads to, exercisable after its passing (or justified) review
    options: Annotated[list[OptionIn], msgspec.Meta(max_length=20)] = []
    #: a scale-up: the phase it follows
    follows: Id | None = None


class KpiResultIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kpi: Name
    measured: KpiValue
    met: bool
    #: ids of documents attached to the contract (POST /contracts/{id}/documents)
    evidence: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=20)]


class ReviewIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    results: Annotated[list[KpiResultIn], msgspec.Meta(min_length=1, max_length=50)]
    summary: Text = ""


class JustificationIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    justification: Reason


class ExerciseIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Text = ""


class DeliverableIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One deliverable (a title and due dates or a schedule), or, with ``from_criteria``,
    one for each AI-system criterion the winning bid was evaluated on (same dates)."""

    title: Annotated[str, msgspec.Meta(max_length=300)] = ""
    description: Text = ""
    due_dates: Annotated[list[date], msgspec.Meta(max_length=240)] | None = None
    schedule: Literal["monthly", "quarterly", "annual"] | None = None
    #: the first due date of a schedule; the next follow until the end of the term
    first_due: date | None = None
    from_criteria: bool = False


class SubmissionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    #: a document attached to the contract (POST /contracts/{id}/documents)
    document_id: Id
    statement: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    #: the due date it answers; omitted: the earliest one not accepted or awaiting a decision
    due_date: date | None = None


class DecisionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    decision: Literal["accept", "reject"]
    #: required to reject
    reason: Text = ""


class RenewalStageIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    stage: Literal["plan", "exercise_option", "re_compete", "let_lapse"]
    note: Text = ""


class KpiOut(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    unit: str
    target: float
    measurement: str


class KpiResultOut(msgspec.Struct, frozen=True, kw_only=True):
    kpi: str
    measured: float
    met: bool
    evidence: list[str]


class JustificationOut(msgspec.Struct, frozen=True, kw_only=True):
    justification: str
    approved_by: str
    approved_at: datetime


class ReviewOut(msgspec.Struct, frozen=True, kw_only=True):
    review_id: str
    phase_id: str
    results: list[KpiResultOut]
    #: every KPI met
    passed: bool
    summary: str
    reviewed_by: str
    reviewed_at: datetime
    justification: JustificationOut | None = None


OptionStatus = Literal["open", "awaiting_approval", "exercised", "lapsed"]


class OptionOut(msgspec.Struct, frozen=True, kw_only=True):
    option_id: str
    #: the phase whose review it waits for
    phase_id: str
    kind: Literal["extra_years", "extra_quantity"]
    description: str
    added_value: Money
    exercise_deadline: date
    extend_to: date | None
    quantity: int | None
    status: OptionStatus
    #: the amendment that carries it, once exercised
    amendment: int | None = None
    exercised_at: datetime | None = None
    lapsed_at: datetime | None = None
    reminded: bool = False


class PhaseOut(msgspec.Struct, frozen=True, kw_only=True):
    phase_id: str
    kind: Literal["pilot", "scale_up"]
    name: str
    budget: Money
    start_date: date
    end_date: date
    follows: str | None
    kpis: list[KpiOut]
    #: ids of the options it leads to (see the contract's ``options``)
    options: list[str]
    #: awaiting_review | passed | not_met | justified
    review_status: Literal["awaiting_review", "passed", "not_met", "justified"]
    #: a scale-up whose phase before has no passing or justified review yet
    blocked: bool
    review: ReviewOut | None = None


class DueOut(msgspec.Struct, frozen=True, kw_only=True):
    due_date: date
    status: Literal["due", "submitted", "accepted", "rejected"]
    #: an overdue notice was raised for it
    overdue: bool


class SubmissionOut(msgspec.Struct, frozen=True, kw_only=True):
    submission_id: str
    deliverable_id: str
    due_date: date
    document_id: str
    statement: str
    submitted_by: str
    submitted_at: datetime
    decision: Literal["pending", "accepted", "rejected"]
    reason: str = ""
    decided_by: str | None = None
    decided_at: datetime | None = None


class DeliverableOut(msgspec.Struct, frozen=True, kw_only=True):
    deliverable_id: str
    title: str
    description: str
    schedule: Literal["monthly", "quarterly", "annual"] | None
    #: the evaluation criterion of the winning bid it monitors
    criterion_id: str | None
    due: list[DueOut]
    #: due dates past with nothing accepted or awaiting a decision
    overdue: list[date]
    submissions: list[SubmissionOut]


class DeliverableList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[DeliverableOut]


class RenewalOut(msgspec.Struct, frozen=True, kw_only=True):
    stage: Literal["plan", "exercise_option", "re_compete", "let_lapse"]
    since: datetime
    note: str
    set_by: str


def review_out(phase: Phase) -> ReviewOut | None:
    r, j = phase.review, phase.justification
    if r is None:
        return None
    return ReviewOut(
        review_id=r.review_id, phase_id=r.phase_id, passed=r.passed, summary=r.summary,
        reviewed_by=r.reviewed_by, reviewed_at=r.reviewed_at,
        results=[KpiResultOut(kpi=x.kpi, measured=x.measured, met=x.met, evidence=list(x.evidence))
                 for x in r.results],
        justification=JustificationOut(justification=j.justification, approved_by=j.approved_by,
                                       approved_at=j.approved_at) if j else None)


def phase_out(state: Contract, phase: Phase) -> PhaseOut:
    p = phase.added
    status = ("awaiting_review" if phase.review is None else "passed" if phase.review.passed
              else "justified" if phase.justification else "not_met")
    return PhaseOut(
        phase_id=p.phase_id, kind=cast(Any, p.kind), name=p.name, budget=p.budget,
        start_date=p.start_date, end_date=p.end_date, follows=p.follows,
        kpis=[KpiOut(name=k.name, unit=k.unit, target=k.target, measurement=k.measurement) for k in p.kpis],
        options=[o.option_id for o in p.options], review_status=cast(Any, status),
        blocked=p.follows is not None and not state.phases[p.follows].cleared, review=review_out(phase))


def option_out(held: OptionState) -> OptionOut:
    o = held.option
    return OptionOut(option_id=o.option_id, phase_id=held.phase_id, kind=cast(Any, o.kind),
                     description=o.description, added_value=o.added_value,
                     exercise_deadline=o.exercise_deadline, extend_to=o.extend_to, quantity=o.quantity,
                     status=cast(OptionStatus, held.status), amendment=held.number,
                     exercised_at=held.exercised_at, lapsed_at=held.lapsed_at, reminded=held.reminded)


def submission_out(s: Submission) -> SubmissionOut:
    sub, d = s.submitted, s.decision
    return SubmissionOut(
        submission_id=sub.submission_id, deliverable_id=sub.deliverable_id, due_date=sub.due_date,
        document_id=sub.document_id, statement=sub.statement, submitted_by=sub.submitted_by,
        submitted_at=sub.submitted_at,
        decision="pending" if d is None else "accepted" if d.accepted else "rejected",
        reason=d.reason if d else "", decided_by=d.decided_by if d else None,
        decided_at=d.decided_at if d else None)


def deliverable_out(deliverable: Deliverable) -> DeliverableOut:
    a = deliverable.added
    due = [DueOut(due_date=d, status=cast(Any, deliverable.occurrence_status(d)), overdue=d in deliverable.overdue)
           for d in a.due_dates]
    return DeliverableOut(
        deliverable_id=a.deliverable_id, title=a.title, description=a.description,
        schedule=cast(Any, a.schedule), criterion_id=a.criterion_id, due=due,
        overdue=[x.due_date for x in due if x.overdue and x.status in ("due", "rejected")],
        submissions=[submission_out(s) for s in deliverable.submissions.values()])


def renewal_out(state: Contract) -> RenewalOut | None:
    if not state.renewal:
        return None
    last = state.renewal[-1]
    return RenewalOut(stage=cast(Any, last.stage), since=last.set_at, note=last.note, set_by=last.set_by)
