"""Request and response bodies of the solicitations API, and the role-aware view."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal, cast

import msgspec

from events.base import Money
from events.compliance import RuleApplied
from events.solicitations import (
    CooperativeStatement,
    Criterion,
    DocumentRef,
    PriceSchedule,
    ScheduleLine,
    TabulationEntry,
)
from infra.http.bodies import DocumentRefIn, MoneyIn, money_or_none
from kernel.calendar import local
from kernel.context import Actor
from kernel.errors import Conflict, Forbidden, Unauthenticated, field_error
from services.documents.facts import AttachedDocument
from services.payments.facts import PaymentRecord
from services.solicitations import rules
from services.solicitations.commands import Terms, TermsPatch
from services.solicitations.criteria import LibraryCriterion, from_library
from services.solicitations.deciders.solicitation import Solicitation

_Id = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
_Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
_Text = Annotated[str, msgspec.Meta(max_length=20000)]
_Code = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
_Type = Annotated[str, msgspec.Meta(pattern=r"^(RFI|RFQ|RFP|ITB)$")]
_Method = Annotated[str, msgspec.Meta(pattern=r"^(open|selective|limited|direct)$")]
_Kind = Annotated[str, msgspec.Meta(pattern=r"^(goods|services|works)$",
                                    description="what is bought: the rule pack's thresholds depend on it")]
_TIMES = ("submission_deadline", "questions_deadline", "opening_time")


class CriterionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A criterion written out, or picked from the library by ``library_id`` (its name,
    description, scale and price flag then come from the library unless given)."""

    weight: Annotated[int, msgspec.Meta(ge=1, le=100)]
    library_id: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    criterion_id: _Id | None = None
    name: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    description: Annotated[str, msgspec.Meta(max_length=4000)] | None = None
    scale_max: Annotated[int, msgspec.Meta(ge=1, le=100)] | None = None
    is_price: bool | None = None


_AgencyId = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class ScheduleLineIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    item_id: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9._\-]{1,64}$")]
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    commodity_code: _Code
    #: the unit of measure: each, ton, hour, ...
    unit: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    estimated_quantity: Annotated[int, msgspec.Meta(ge=1, le=10**9)]


class PriceScheduleIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The lines a bid must price; the bid's price is the sum of unit price x estimated quantity."""

    lines: Annotated[list[ScheduleLineIn], msgspec.Meta(min_length=1, max_length=500)]
    #: the most a unit price may rise in each option year, in percent
    escalation_cap_percent: Annotated[float, msgspec.Meta(ge=0, le=100)] | None = None

    def schedule(self) -> PriceSchedule:
        return PriceSchedule(lines=[ScheduleLine(**msgspec.structs.asdict(line)) for line in self.lines],
                             escalation_cap_percent=self.escalation_cap_percent)


class CooperativeIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The resulting contract will be cooperative: who else may buy from it, up to what."""

    eligible: Literal["all", "agencies", "jurisdictions"]
    agencies: Annotated[list[_AgencyId], msgspec.Meta(max_length=500)] = []
    #: jurisdiction codes or prefixes: ``US-TX`` admits every Texas agency
    jurisdictions: Annotated[list[Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}(-[A-Za-z0-9]+)*$",
                                                              max_length=40)]],
                             msgspec.Meta(max_length=100)] = []
    total_ceiling: MoneyIn | None = None
    participant_ceiling: MoneyIn | None = None
    #: the agency that hosts the contract (default: the soliciting agency)
    lead_agency_id: _AgencyId | None = None
    #: a joining agency waits for the lead agency's approval
    approval_required: bool = False

    def statement(self) -> CooperativeStatement:
        return CooperativeStatement(
            eligible=self.eligible, agencies=list(self.agencies), jurisdictions=list(self.jurisdictions),
            total_ceiling=money_or_none(self.total_ceiling), participant_ceiling=money_or_none(self.participant_ceiling),
            lead_agency_id=self.lead_agency_id or "", approval_required=self.approval_required)


class SolicitationIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    solicitation_type: _Type
    title: _Title
    description: _Text = ""
    commodity_codes: Annotated[list[_Code], msgspec.Meta(min_length=1, max_length=50)]
    estimated_value: MoneyIn
    method: _Method
    set_aside: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    submission_deadline: datetime
    questions_deadline: datetime
    opening_time: datetime
    criteria: Annotated[list[CriterionIn], msgspec.Meta(max_length=30)] = []
    allows_multiple_awards: bool = False
    documents: Annotated[list[DocumentRefIn], msgspec.Meta(max_length=100)] = []
    contract_kind: _Kind = "goods"
    #: paid with federal funds: the stricter of the agency's pack and 2 CFR 200 applies
    federally_funded: bool = False
    #: the lines each bid prices (none: a bid gives one price)
    price_schedule: PriceScheduleIn | None = None
    #: the resulting contract will be cooperative (public; after publishing only an addendum changes it)
    cooperative: CooperativeIn | None = None
    solicitation_id: _Id | None = None


class SolicitationPatchIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    solicitation_type: _Type | msgspec.UnsetType = msgspec.UNSET
    title: _Title | msgspec.UnsetType = msgspec.UNSET
    description: _Text | msgspec.UnsetType = msgspec.UNSET
    commodity_codes: Annotated[list[_Code], msgspec.Meta(min_length=1, max_length=50)] | msgspec.UnsetType = msgspec.UNSET
    estimated_value: MoneyIn | msgspec.UnsetType = msgspec.UNSET
    method: _Method | msgspec.UnsetType = msgspec.UNSET
    set_aside: Annotated[str, msgspec.Meta(max_length=40)] | None | msgspec.UnsetType = msgspec.UNSET
    submission_deadline: datetime | msgspec.UnsetType = msgspec.UNSET
    questions_deadline: datetime | msgspec.UnsetType = msgspec.UNSET
    opening_time: datetime | msgspec.UnsetType = msgspec.UNSET
    criteria: Annotated[list[CriterionIn], msgspec.Meta(max_length=30)] | msgspec.UnsetType = msgspec.UNSET
    allows_multiple_awards: bool | msgspec.UnsetType = msgspec.UNSET
    documents: Annotated[list[DocumentRefIn], msgspec.Meta(max_length=100)] | msgspec.UnsetType = msgspec.UNSET
    contract_kind: _Kind | msgspec.UnsetType = msgspec.UNSET
    federally_funded: bool | msgspec.UnsetType = msgspec.UNSET
    price_schedule: PriceScheduleIn | None | msgspec.UnsetType = msgspec.UNSET
    cooperative: CooperativeIn | None | msgspec.UnsetType = msgspec.UNSET


class AddendumIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    summary: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    changes: _Text = ""
    submission_deadline: datetime | None = None
    questions_deadline: datetime | None = None
    opening_time: datetime | None = None
    documents: Annotated[list[DocumentRefIn], msgspec.Meta(max_length=100)] = []
    #: a new cooperative statement replacing the published one
    cooperative: CooperativeIn | None = None


class QuestionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    question: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class AnswerIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    answer: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]


class CancelIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


def resolve_criteria(items: list[CriterionIn]) -> list[Criterion]:
    resolved = []
    for i, item in enumerate(items):
        base: LibraryCriterion | None = (
            from_library(item.library_id, f"criteria[{i}].library_id") if item.library_id else None)
        name = item.name if item.name is not None else (base.name if base else None)
        if not name:
            raise field_error(f"criteria[{i}].name", "give a name or pick a library_id")
        resolved.append(Criterion(
            criterion_id=item.criterion_id or (base.library_id if base else f"c{i + 1}"),
            name=name,
            description=item.description if item.description is not None else (base.description if base else ""),
            weight=item.weight,
            scale_max=item.scale_max or (base.scale_max if base else 10),
            is_price=item.is_price if item.is_price is not None else (base.is_price if base else False),
            library_id=item.library_id,
        ))
    return resolved


def utc(value: datetime | None) -> datetime | None:
    """An instant given with any offset, stored in UTC (a time without offset stays as it
    is, for the decider to refuse)."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC)


def _utc_times(fields: dict[str, object]) -> dict[str, object]:
    return {k: utc(v) if k in _TIMES and isinstance(v, datetime) else v for k, v in fields.items()}


def terms_from(data: SolicitationIn) -> Terms:
    fields = {k: v for k, v in msgspec.structs.asdict(data).items() if k not in ("solicitation_id", "criteria")}
    fields.update(estimated_value=data.estimated_value.money(), documents=[d.ref() for d in data.documents],
                  price_schedule=data.price_schedule.schedule() if data.price_schedule else None,
                  cooperative=data.cooperative.statement() if data.cooperative else None)
    return Terms(criteria=resolve_criteria(data.criteria), **_utc_times(fields))  # type: ignore[arg-type]


def patch_from(data: SolicitationPatchIn) -> TermsPatch:
    fields = msgspec.structs.asdict(data)
    if fields["criteria"] is not msgspec.UNSET:
        fields["criteria"] = resolve_criteria(fields["criteria"])
    if data.estimated_value is not msgspec.UNSET:
        fields["estimated_value"] = data.estimated_value.money()
    if data.documents is not msgspec.UNSET:
        fields["documents"] = [d.ref() for d in data.documents]
    if isinstance(data.price_schedule, PriceScheduleIn):
        fields["price_schedule"] = data.price_schedule.schedule()
    if isinstance(data.cooperative, CooperativeIn):
        fields["cooperative"] = data.cooperative.statement()
    return TermsPatch(**_utc_times(fields))  # type: ignore[arg-type]


class LocalTimes(msgspec.Struct, frozen=True, kw_only=True):
    """The process's times as the agency's clocks show them (same instants, local offset)."""

    time_zone: str
    submission_deadline: datetime
    questions_deadline: datetime
    opening_time: datetime
    published_at: datetime | None = None


def local_times(state: Solicitation) -> LocalTimes:
    zone = state.time_zone
    t = state.t
    return LocalTimes(time_zone=zone, submission_deadline=local(t.submission_deadline, zone),
                      questions_deadline=local(t.questions_deadline, zone), opening_time=local(t.opening_time, zone),
                      published_at=local(state.published_at, zone) if state.published_at else None)


class ComplianceOut(msgspec.Struct, frozen=True, kw_only=True):
    """The record of a process: each rule that drove a decision, its pack, row and
    citation, what it required and what the process used."""

    solicitation_id: str
    jurisdiction: str
    rule_pack: str | None
    pack_name: str | None
    currency: str | None
    holiday_calendar: str | None
    time_zone: str
    federally_funded: bool
    rules: list[RuleApplied]
    #: prompt payment on the contracts awarded from it: each invoice's due date and each
    #: payment's interest and compensation with its rule (the agency's staff, its finance
    #: and oversight; ``None`` for others)
    payments: list[PaymentRecord] | None = None


def may_see_payment_record(actor: Actor | None, state: Solicitation) -> bool:
    return is_oversight(actor) or is_agency_staff(actor, state) or (
        actor is not None and actor.role == "finance" and actor.agency == state.agency_id)


def compliance_view(state: Solicitation, award_rules: list[RuleApplied],
                    payments: list[PaymentRecord] | None = None) -> ComplianceOut:
    code = state.rule_pack or rules.rules_code(state.jurisdiction)
    pack = rules.packs().get(code) if code else None
    return ComplianceOut(
        solicitation_id=state.solicitation_id, jurisdiction=state.jurisdiction, rule_pack=code,
        pack_name=pack.name if pack else None, currency=pack.currency if pack else None,
        holiday_calendar=pack.holiday_calendar if pack else None, time_zone=state.time_zone,
        federally_funded=state.t.federally_funded, rules=[*state.rules_applied, *award_rules], payments=payments)


class AddendumOut(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    summary: str
    changes: str
    submission_deadline: datetime
    deadline_extended: bool
    published_at: datetime | None
    documents: list[DocumentRef]
    #: the files attached to this addendum (each version), as on the solicitation
    attachments: list[AttachedDocument] = []


class QuestionOut(msgspec.Struct, frozen=True, kw_only=True):
    """A question without its asker: nobody sees who asked."""

    id: str
    question: str
    answer: str | None
    asked_at: datetime
    answered_at: datetime | None
    #: the files that accompany the answer
    attachments: list[AttachedDocument] = []


class MyBid(msgspec.Struct, frozen=True, kw_only=True):
    """A vendor's own bid on the solicitation, so that its users can find it."""

    bid_id: str
    vendor_id: str
    status: str


#: a solicitation's life: draft -> published -> closed (the deadline) -> opened (the bids
#: unsealed) -> under_evaluation -> awarded | unsuccessful; cancelled from any open stage
SolicitationStatus = Literal["draft", "published", "closed", "opened", "under_evaluation",
                             "awarded", "unsuccessful", "cancelled"]
SolicitationType = Literal["RFI", "RFQ", "RFP", "ITB"]


class SolicitationSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    agency_id: str
    status: SolicitationStatus
    solicitation_type: SolicitationType
    title: str
    created_at: datetime
    published_at: datetime | None
    submission_deadline: datetime


class SolicitationPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[SolicitationSummary]
    #: the next page (keyset): pass it as ``cursor``; None on the last page
    next_cursor: str | None
    limit: int


class SolicitationOut(msgspec.Struct, frozen=True, kw_only=True):
    """A solicitation as the caller may see it (see ``view``)."""

    id: str
    agency_id: str
    status: SolicitationStatus
    solicitation_type: str
    title: str
    description: str
    commodity_codes: list[str]
    estimated_value: Money
    method: str
    set_aside: str | None
    submission_deadline: datetime
    questions_deadline: datetime
    opening_time: datetime
    criteria: list[Criterion]
    allows_multiple_awards: bool
    documents: list[DocumentRef]
    contract_kind: str
    federally_funded: bool
    #: the lines a bid prices (``None``: a bid gives one price)
    price_schedule: PriceSchedule | None
    #: who else may buy from the resulting contract (``None``: it will not be cooperative)
    cooperative: CooperativeStatement | None
    #: the rule pack that judges the process (``None``: its jurisdiction has none)
    rule_pack: str | None
    #: the same instants as the UTC fields above, on the agency's clocks
    local: LocalTimes
    published_at: datetime | None
    latest_addendum: int
    addenda: list[AddendumOut]
    questions: list[QuestionOut]
    closed_at: datetime | None
    opened_at: datetime | None
    cancel_reason: str | None
    #: agency staff, after the deadline only: whether any bid was received (never how many
    #: before the opening)
    bids_received: bool | None = None
    #: after the opening: to agency staff and oversight; to everyone for an ITB
    tabulation: list[TabulationEntry] | None = None
    #: the caller's own bids (vendor users only)
    my_bids: list[MyBid] | None = None
    warnings: list[str] = []
    #: files uploaded to the solicitation (``POST /solicitations/{id}/documents``), each version
    attachments: list[AttachedDocument] = []
    version: int


def is_agency_staff(actor: Actor | None, state: Solicitation) -> bool:
    return actor is not None and actor.role in ("buyer", "evaluator") and actor.agency == state.agency_id


def is_oversight(actor: Actor | None) -> bool:
    return actor is not None and actor.role in ("admin", "auditor")


def may_see_tabulation(actor: Actor | None, state: Solicitation, *, evaluator_cleared: bool = False) -> bool:
    """After the opening: the agency's buyers, its evaluators cleared of conflicts, and
    oversight; the public too for an ITB (a public bid opening)."""
    if not state.opened:
        return False
    if state.t.solicitation_type == "ITB" or is_oversight(actor):
        return True
    if not is_agency_staff(actor, state) or actor is None:
        return False
    return actor.role == "buyer" or evaluator_cleared


def tabulation_for(actor: Actor | None, state: Solicitation, *,
                   evaluator_cleared: bool = False) -> list[TabulationEntry]:
    """The bid tabulation as ``actor`` may read it: refused while the bids are sealed
    (409), to an anonymous caller when it is not public (401), to anyone else not allowed
    to see it (403)."""
    if not state.opened:
        raise Conflict(f"bids stay sealed until the opening at {state.t.opening_time.isoformat()}",
                       code="sealed")
    if not may_see_tabulation(actor, state, evaluator_cleared=evaluator_cleared):
        if actor is None:
            raise Unauthenticated("the tabulation of this solicitation is not public; sign in")
        raise Forbidden("the tabulation of this solicitation is for the agency and oversight",
                        code="not_public")
    return list(state.tabulation)


def may_see_draft(actor: Actor | None, state: Solicitation) -> bool:
    return (actor is not None and actor.role == "buyer" and actor.agency == state.agency_id) or is_oversight(actor)


def view(state: Solicitation, version: int, actor: Actor | None, *, bids_received: bool | None = None,
         warnings: list[str] | None = None, my_bids: list[MyBid] | None = None,
         evaluator_cleared: bool = False) -> SolicitationOut:
    t = state.t
    staff = is_agency_staff(actor, state) and actor is not None and actor.role == "buyer"
    # Published answers for all; the agency's buyers also see open questions, and an asker
    # sees their own. Nobody sees who asked.
    asker = actor.sub if actor is not None else None
    questions = [QuestionOut(id=q.question_id, question=q.question, answer=q.answer, asked_at=q.asked_at,
                             answered_at=q.answered_at)
                 for q in state.questions if staff or q.answer is not None or q.asked_by == asker]
    return SolicitationOut(
        id=state.solicitation_id, agency_id=state.agency_id, status=cast(SolicitationStatus, state.status),
        solicitation_type=t.solicitation_type, title=t.title, description=t.description,
        commodity_codes=list(t.commodity_codes), estimated_value=t.estimated_value, method=t.method,
        set_aside=t.set_aside, submission_deadline=t.submission_deadline, questions_deadline=t.questions_deadline,
        opening_time=t.opening_time, criteria=list(t.criteria), allows_multiple_awards=t.allows_multiple_awards,
        documents=list(t.documents), contract_kind=t.contract_kind, federally_funded=t.federally_funded,
        price_schedule=t.price_schedule, cooperative=t.cooperative,
        rule_pack=state.rule_pack or rules.rules_code(state.jurisdiction), local=local_times(state),
        published_at=state.published_at, latest_addendum=state.latest_addendum,
        addenda=[AddendumOut(number=a.number, summary=a.summary, changes=a.changes,
                             submission_deadline=a.submission_deadline, deadline_extended=a.deadline_extended,
                             published_at=a.published_at, documents=list(a.documents)) for a in state.addenda],
        questions=questions, closed_at=state.closed_at, opened_at=state.opened_at,
        cancel_reason=state.cancel_reason, bids_received=bids_received,
        tabulation=(list(state.tabulation)
                    if may_see_tabulation(actor, state, evaluator_cleared=evaluator_cleared) else None),
        my_bids=my_bids, warnings=warnings or [], version=version,
    )


_FollowedCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9.\-]{2,20}$")]


class FollowIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    commodity_code: _FollowedCode
    vendor_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None


class FollowsOut(msgspec.Struct, frozen=True, kw_only=True):
    vendor_id: str
    commodity_codes: list[str]


class NoticeOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    #: "published" (a new solicitation), "addendum" (a change to acknowledge) or "cancelled"
    kind: str
    addendum_number: int | None
    vendor_id: str
    solicitation_id: str
    agency_id: str
    title: str
    solicitation_type: str
    matched_codes: list[str]
    submission_deadline: datetime
    published_at: datetime
