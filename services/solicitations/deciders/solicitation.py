"""The solicitation aggregate: lifecycle, legal rules on publishing, addenda, Q&A, opening.

draft -> published (-> amended by addenda) -> closed -> under_evaluation
      -> awarded | unsuccessful; cancelled from any state before a decision.
Closing and opening are timers: a fired timer only asks, the state decides, so a timer
left over from a deadline an addendum moved decides nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import msgspec

from events.base import Event, Money
from events.compliance import RuleApplied
from events.solicitations import (
    AddendumPublished,
    DocumentRef,
    DuplicatePurchaseSuspected,
    QuestionAnswered,
    QuestionAsked,
    SolicitationAwarded,
    SolicitationCancelled,
    SolicitationClosed,
    SolicitationCreated,
    SolicitationOpened,
    SolicitationPublished,
    SolicitationUnderEvaluation,
    SolicitationUnsuccessful,
    SolicitationUpdated,
    TabulationEntry,
)
from kernel import calendar
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from kernel.money import check_money, fmt
from kernel.programs import check_program
from kernel.set_asides import SMALL_BUSINESS
from kernel.timers import Timer, timer
from services.solicitations import rules
from services.solicitations.commands import (
    AnswerQuestion,
    AskQuestion,
    CancelSolicitation,
    CloseSolicitation,
    Command,
    CreateSolicitation,
    OpenSolicitation,
    PublishAddendum,
    PublishSolicitation,
    RecordAward,
    RecordUnsuccessful,
    StartEvaluation,
    Terms,
    UpdateSolicitation,
)
from services.solicitations.criteria import check_criteria
from services.solicitations.duplicates import suspected_duplicates
from services.solicitations.schedules import check_cooperative, check_price_schedule, with_lead
from services.solicitations.splitting import suspected_splitting

CLOSE_TIMER = "solicitations.close"
OPEN_TIMER = "solicitations.open"
_COMMODITY_CODE = re.compile(r"^[A-Za-z0-9.\-]{2,20}$")
# A bid decided an instant before the deadline is stored an instant after it: the opening
# waits this long after the deadline so that it never misses one.
BID_SETTLE = timedelta(seconds=30)
# No procurement runs this long; the bound also keeps date arithmetic finite.
HORIZON = timedelta(days=3 * 366)


class Addendum(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    summary: str
    changes: str
    submission_deadline: datetime
    deadline_extended: bool
    published_at: datetime | None
    documents: tuple[DocumentRef, ...] = ()


class Question(msgspec.Struct, frozen=True, kw_only=True):
    question_id: str
    question: str
    asked_at: datetime
    # Kept so that the asker can follow their own question; no view shows it to others.
    asked_by: str = ""
    answer: str | None = None
    answered_at: datetime | None = None


class Solicitation(msgspec.Struct, frozen=True, kw_only=True):
    exists: bool = False
    solicitation_id: str = ""
    agency_id: str = ""
    jurisdiction: str = ""
    time_zone: str = "UTC"
    terms: Terms | None = None
    status: str = "draft"
    published_at: datetime | None = None
    addenda: tuple[Addendum, ...] = ()
    questions: tuple[Question, ...] = ()
    closed_at: datetime | None = None
    opened_at: datetime | None = None
    tabulation: tuple[TabulationEntry, ...] = ()
    cancel_reason: str | None = None
    #: the duplicate-purchase warnings raised on creation and publication, in order
    duplicates: tuple[DuplicatePurchaseSuspected, ...] = ()
    award_ids: tuple[str, ...] = ()
    unsuccessful_reason: str | None = None
    rule_pack: str = ""
    #: every rule-driven decision of the process so far (publication, addenda)
    rules_applied: tuple[RuleApplied, ...] = ()

    @property
    def latest_addendum(self) -> int:
        return self.addenda[-1].number if self.addenda else 0

    @property
    def opened(self) -> bool:
        return self.opened_at is not None

    @property
    def t(self) -> Terms:
        assert self.terms is not None
        return self.terms


# -- checks -----------------------------------------------------------------------------


def check_terms(terms: Terms) -> None:
    """Rules about a solicitation's own content; publishing adds the legal rules."""
    if terms.solicitation_type not in rules.TYPES:
        raise field_error("solicitation_type", f"one of {', '.join(rules.TYPES)}")
    if terms.method not in rules.METHODS:
        raise field_error("method", f"one of {', '.join(rules.METHODS)}")
    if terms.contract_kind not in rules.CONTRACT_KINDS:
        raise field_error("contract_kind", f"one of {', '.join(rules.CONTRACT_KINDS)}")
    if not terms.title.strip():
        raise field_error("title", "must not be blank")
    if not terms.commodity_codes:
        raise field_error("commodity_codes", "at least one commodity code")
    for i, code in enumerate(terms.commodity_codes):
        if not _COMMODITY_CODE.match(code):
            raise field_error(f"commodity_codes[{i}]", "2 to 20 letters, digits, dots or dashes")
    check_money(terms.estimated_value, "estimated_value", allow_zero=terms.solicitation_type == "RFI")
    if terms.set_aside is not None and terms.set_aside != SMALL_BUSINESS:
        check_program(terms.set_aside, "set_aside")
    for name in ("submission_deadline", "questions_deadline", "opening_time"):
        if getattr(terms, name).tzinfo is None:
            raise field_error(name, "needs a timezone (UTC)")
    if terms.questions_deadline > terms.submission_deadline:
        raise field_error("questions_deadline", "must not be after the submission deadline")
    if terms.opening_time < terms.submission_deadline:
        raise field_error("opening_time", "must not be before the submission deadline")
    check_criteria(terms.solicitation_type, terms.criteria)
    if terms.price_schedule is not None:
        if terms.solicitation_type == "RFI":
            raise field_error("price_schedule", "an RFI takes no bids, so it has no price schedule")
        check_price_schedule(terms.price_schedule)
    if terms.cooperative is not None:
        check_cooperative(terms.cooperative, terms.estimated_value.currency)


def check_horizon(now: datetime, **times: datetime | None) -> None:
    for name, value in times.items():
        if value is not None and value.tzinfo is not None and value - now > HORIZON:
            raise field_error(name, "must be within three years")


def _pack(state: Solicitation) -> rules.Pack:
    found = rules.pack(state.jurisdiction)
    if found is None:
        raise Invalid(f"no rule pack is configured for jurisdiction {state.jurisdiction!r}",
                      code="no_rules")
    return found


def _packs(pack: rules.Pack, terms: Terms) -> list[rules.Pack]:
    """The agency's pack and, for a federally funded buy, the federal pack beside it: the
    stricter of both applies (2 CFR 200.318(a))."""
    if terms.federally_funded and pack.federal_fallback:
        return [pack, rules.packs()[pack.federal_fallback]]
    return [pack]


def _describe(method: str, types: tuple[str, ...]) -> str:
    return f"at least the {method} method" + (f", as {' or '.join(types)}" if types else "")


def check_legal(terms: Terms, pack: rules.Pack, now: datetime, zone: str) -> list[RuleApplied]:
    """Method by value (dated thresholds) and the minimum periods of the pack, on the local
    dates of the agency's zone; returns the record of each rule applied."""
    if terms.questions_deadline <= now:
        raise field_error("questions_deadline", "must be in the future when publishing")
    if terms.submission_deadline <= now:
        raise field_error("submission_deadline", "must be in the future when publishing")
    today = calendar.local_date(now, zone)
    value, kind = terms.estimated_value, terms.contract_kind
    applied: list[RuleApplied] = []
    for judge in _packs(pack, terms):
        if terms.solicitation_type != "RFI":
            applied += _check_method(terms, judge, today)
        applied += _check_time_limits(terms, judge, now, zone, today)
        notice = judge.rule("notice")
        if notice is not None and rules.notice_required(notice, judge.code, value.amount, today, kind):
            applied.append(rules.applied(
                "public_notice", notice, complied=None, used="published on the marketplace",
                required=f"{notice.terms['publications']} publication(s) in {notice.terms['medium']}"
                + (f", {notice.terms['interval_days']} days apart" if notice.terms.get("interval_days") else "")))
        applied += [rules.applied("program", p, required=p.description, used="", complied=None)
                    for p in rules.programs_for(judge.code, kind, value.amount, today)]
    return applied


def _check_method(terms: Terms, pack: rules.Pack, today: date) -> list[RuleApplied]:
    value, kind = terms.estimated_value, terms.contract_kind
    in_force = rules.thresholds_on(pack.code, today, kind)
    if in_force and value.currency != in_force[0].currency:
        raise field_error("estimated_value.currency", f"thresholds of {pack.code} are in {in_force[0].currency}",
                          code="currency_not_supported")
    need = rules.requirement(pack.code, value.amount, today, kind)
    used = f"{terms.method} method, {terms.solicitation_type}"
    if rules.METHODS.index(terms.method) < rules.METHODS.index(need.minimum_method):
        over = next(t for t in reversed(need.because) if t.minimum_method == need.minimum_method)
        raise field_error(
            "method",
            f"an estimated value of {fmt(value)} exceeds the {over.name.replace('_', ' ')} threshold "
            f"({fmt(_money(over))} from {over.effective_from}, {over.citation.section}) and requires at least "
            f"the {need.minimum_method} method, not {terms.method}",
            code="method_below_threshold",
        )
    if need.formal_types and terms.solicitation_type not in need.formal_types:
        raise field_error(
            "solicitation_type",
            f"an estimated value of {fmt(value)} requires formal sealed procedures "
            f"({' or '.join(need.formal_types)}) under {pack.code}, not {terms.solicitation_type}",
            code="formal_procedure_required",
        )
    if need.because:
        return [rules.applied("method_by_value", t, used=used,
                              required=f"over {fmt(_money(t))}: {_describe(t.minimum_method, t.formal_types)}")
                for t in need.because]
    if in_force:
        lowest = in_force[0]
        return [rules.applied("method_by_value", lowest, used=used,
                              required=f"at or under {fmt(_money(lowest))}: no competitive method required")]
    return []


def _check_time_limits(terms: Terms, pack: rules.Pack, now: datetime, zone: str, today: date) -> list[RuleApplied]:
    applied = []
    for limit in rules.time_limits(pack.code, today, terms.contract_kind, terms.method, terms.estimated_value.amount):
        end = getattr(terms, limit.counted_to)
        given = calendar.days_between(now, end, limit.day_kind, pack.holiday_calendar, zone)
        required = limit.required_days
        if given < required:
            raise field_error(
                limit.counted_to,
                f"{limit.citation.section} requires at least {required} {limit.day_kind} days from publication "
                f"to the {limit.counted_to.replace('_', ' ')} (local dates in {zone}"
                + (f", weekends and {pack.holiday_calendar} holidays excluded" if limit.day_kind == "business" else "")
                + f"); this gives {given}",
                code="open_period_too_short",
            )
        applied.append(rules.applied("time_limit", limit, required=f"at least {required} {limit.day_kind} days",
                                     used=f"{given} {limit.day_kind} days"))
    return applied


def _money(threshold: rules.Threshold) -> Money:
    return Money(amount=threshold.amount, currency=threshold.currency)


def _check_terms_horizon(terms: Terms, now: datetime) -> None:
    check_horizon(now, submission_deadline=terms.submission_deadline,
                  questions_deadline=terms.questions_deadline, opening_time=terms.opening_time)


def _require_buyer(state: Solicitation, ctx: Context) -> None:
    actor = ctx.actor
    if actor.is_system:
        return
    if actor.role != "buyer":
        raise Forbidden("only the agency's buyers manage its solicitations")
    if actor.agency != state.agency_id:
        raise Forbidden("this solicitation belongs to another agency", code="other_agency")


def _require_exists(state: Solicitation) -> None:
    if not state.exists:
        raise NotFound("solicitation not found")


def _require_system(ctx: Context) -> None:
    if not ctx.actor.is_system:
        raise Forbidden("this transition happens by itself")


# -- decide -----------------------------------------------------------------------------


def decide(command: Command, state: Solicitation, ctx: Context) -> list[Event]:
    match command:
        case CreateSolicitation():
            if not ctx.actor.agency:
                raise Forbidden("your token names no agency", code="no_agency")
            if command.jurisdiction is None:
                raise field_error("agency", f"agency {command.agency_id} is not registered")
            if state.exists:
                raise Conflict(f"solicitation {command.solicitation_id} already exists", code="duplicate")
            if ctx.actor.role != "buyer" or ctx.actor.agency != command.agency_id:
                raise Forbidden("only a buyer of the agency creates its solicitations")
            created = msgspec.structs.replace(
                command.terms, cooperative=with_lead(command.terms.cooperative, command.agency_id))
            check_terms(created)
            _check_terms_horizon(created, ctx.now)
            if not calendar.is_zone(command.time_zone):
                raise field_error("time_zone", "an IANA time zone")
            duplicates = suspected_duplicates(
                solicitation_id=command.solicitation_id, agency_id=command.agency_id,
                jurisdiction=command.jurisdiction, title=created.title, commodity_codes=created.commodity_codes,
                step="created", now=ctx.now, similar=command.similar)
            return [SolicitationCreated(
                solicitation_id=command.solicitation_id,
                agency_id=command.agency_id,
                jurisdiction=command.jurisdiction,
                time_zone=command.time_zone,
                created_by=ctx.actor.sub,
                **msgspec.structs.asdict(created),
            ), *duplicates]
        case UpdateSolicitation():
            _require_exists(state)
            _require_buyer(state, ctx)
            if state.status != "draft":
                raise Conflict(f"only a draft can be edited; this solicitation is {state.status}: "
                               "publish an addendum instead", code="not_draft")
            changes = {k: v for k, v in msgspec.structs.asdict(command.patch).items()
                       if v is not msgspec.UNSET}
            terms = msgspec.structs.replace(state.t, **changes)
            terms = msgspec.structs.replace(terms, cooperative=with_lead(terms.cooperative, state.agency_id))
            check_terms(terms)
            _check_terms_horizon(terms, ctx.now)
            return [SolicitationUpdated(solicitation_id=state.solicitation_id,
                                        **msgspec.structs.asdict(terms))]
        case PublishSolicitation():
            _require_exists(state)
            _require_buyer(state, ctx)
            if state.status != "draft":
                raise Conflict(f"already {state.status}", code="not_draft")
            terms = state.t
            check_terms(terms)
            pack = _pack(state)
            applied = check_legal(terms, pack, ctx.now, state.time_zone)
            published = SolicitationPublished(
                solicitation_id=state.solicitation_id,
                agency_id=state.agency_id,
                published_at=ctx.now,
                submission_deadline=terms.submission_deadline,
                solicitation_type=terms.solicitation_type,
                title=terms.title,
                commodity_codes=list(terms.commodity_codes),
                estimated_value=terms.estimated_value,
                method=terms.method,
                set_aside=terms.set_aside,
                questions_deadline=terms.questions_deadline,
                opening_time=terms.opening_time,
                rule_pack=pack.code,
                rules_applied=applied,
                cooperative=terms.cooperative,
            )
            warnings = suspected_splitting(
                solicitation_id=state.solicitation_id, agency_id=state.agency_id,
                commodity_codes=terms.commodity_codes, value=terms.estimated_value,
                now=ctx.now, recent=command.recent, rules=pack,
            )
            duplicates = suspected_duplicates(
                solicitation_id=state.solicitation_id, agency_id=state.agency_id, jurisdiction=state.jurisdiction,
                title=terms.title, commodity_codes=terms.commodity_codes, step="published", now=ctx.now,
                similar=command.similar)
            return [published, *warnings, *duplicates]
        case PublishAddendum():
            return _addendum(command, state, ctx)
        case AskQuestion():
            _require_exists(state)
            if ctx.actor.role != "vendor":
                raise Forbidden("only vendors ask questions")
            if state.status != "published":
                raise Conflict(f"questions are closed: the solicitation is {state.status}",
                               code="not_open")
            if ctx.now >= state.t.questions_deadline:
                raise Conflict(f"the questions deadline passed at {state.t.questions_deadline.isoformat()}",
                               code="questions_closed")
            if not command.question.strip():
                raise field_error("question", "must not be blank")
            if any(q.question_id == command.question_id for q in state.questions):
                raise Conflict("question already asked", code="duplicate")
            return [QuestionAsked(solicitation_id=state.solicitation_id, question_id=command.question_id,
                                  question=command.question, asked_by=ctx.actor.sub, asked_at=ctx.now)]
        case AnswerQuestion():
            _require_exists(state)
            _require_buyer(state, ctx)
            question = next((q for q in state.questions if q.question_id == command.question_id), None)
            if question is None:
                raise NotFound(f"question {command.question_id} not found")
            if question.answer is not None:
                raise Conflict("this question is already answered; publish an addendum to change it",
                               code="already_answered")
            if state.status != "published":
                raise Conflict(f"answers are published while the solicitation is open; it is {state.status}",
                               code="not_open")
            if not command.answer.strip():
                raise field_error("answer", "must not be blank")
            return [QuestionAnswered(solicitation_id=state.solicitation_id, question_id=question.question_id,
                                     question=question.question, answer=command.answer, answered_at=ctx.now)]
        case CancelSolicitation():
            _require_exists(state)
            _require_buyer(state, ctx)
            if state.status in ("awarded", "unsuccessful", "cancelled"):
                raise Conflict(f"a solicitation that is {state.status} cannot be cancelled", code="final")
            if not command.reason.strip():
                raise field_error("reason", "give the reason for the record")
            return [SolicitationCancelled(solicitation_id=state.solicitation_id, reason=command.reason,
                                          cancelled_at=ctx.now)]
        case CloseSolicitation():
            _require_system(ctx)
            if state.status != "published" or ctx.now < state.t.submission_deadline:
                return []  # cancelled, already closed, or the deadline moved: nothing to do
            return [SolicitationClosed(solicitation_id=state.solicitation_id, closed_at=ctx.now)]
        case OpenSolicitation():
            _require_system(ctx)
            if not is_due_for_opening(state, ctx.now):
                return []
            closing: list[Event] = []
            if state.status == "published":
                closing.append(SolicitationClosed(solicitation_id=state.solicitation_id, closed_at=ctx.now))
            return [*closing, SolicitationOpened(
                solicitation_id=state.solicitation_id, opened_at=ctx.now,
                tabulation=list(command.tabulation), latest_addendum=state.latest_addendum)]
        case StartEvaluation():
            _require_exists(state)
            if state.status == "under_evaluation":
                return []
            if state.status != "opened":
                raise Conflict(f"evaluation starts after opening; the solicitation is {state.status}",
                               code="not_opened")
            return [SolicitationUnderEvaluation(solicitation_id=state.solicitation_id)]
        case RecordAward():
            _require_exists(state)
            if command.award_id in state.award_ids:
                return []
            if state.status == "awarded" and not state.t.allows_multiple_awards:
                raise Conflict("this solicitation allows a single award", code="already_awarded")
            if state.status not in ("opened", "under_evaluation", "awarded"):
                raise Conflict(f"cannot award a solicitation that is {state.status}", code="not_awardable")
            if state.t.solicitation_type == "RFI":
                raise Conflict("an RFI is information only and is never awarded", code="rfi_not_awardable")
            return [SolicitationAwarded(solicitation_id=state.solicitation_id, award_id=command.award_id,
                                        vendor_id=command.vendor_id, value=command.value)]
        case RecordUnsuccessful():
            _require_exists(state)
            if state.status == "unsuccessful":
                return []
            if state.status not in ("published", "closed", "opened", "under_evaluation"):
                raise Conflict(f"a solicitation that is {state.status} cannot end unsuccessful",
                               code="final")
            return [SolicitationUnsuccessful(solicitation_id=state.solicitation_id, reason=command.reason)]
    raise TypeError(f"unknown command {command!r}")


def is_due_for_opening(state: Solicitation, now: datetime) -> bool:
    """Closed (or past its deadline) and at or after its opening time, not yet opened."""
    if not state.exists or state.opened or state.status not in ("published", "closed"):
        return False
    return now >= opening_due(state.t.submission_deadline, state.t.opening_time)


def opening_due(submission_deadline: datetime, opening_time: datetime | None) -> datetime:
    """When the bids are opened: the opening time, but never within the settle window."""
    return max(opening_time or submission_deadline, submission_deadline + BID_SETTLE)


def _addendum(command: PublishAddendum, state: Solicitation, ctx: Context) -> list[Event]:
    _require_exists(state)
    _require_buyer(state, ctx)
    if state.status != "published":
        raise Conflict(f"addenda are published while the solicitation is open; it is {state.status}",
                       code="not_open")
    terms = state.t
    if ctx.now >= terms.submission_deadline:
        raise Conflict("the submission deadline has passed; no addendum can change the bids now",
                       code="deadline_passed")
    if not command.summary.strip():
        raise field_error("summary", "must not be blank")
    moved = {"submission_deadline": command.submission_deadline, "questions_deadline": command.questions_deadline,
             "opening_time": command.opening_time}
    for name, value in moved.items():
        if value is not None and value.tzinfo is None:
            raise field_error(name, "needs a timezone (UTC)")
    check_horizon(ctx.now, **moved)
    deadline = command.submission_deadline or terms.submission_deadline
    if deadline < terms.submission_deadline:
        raise field_error("submission_deadline", "an addendum may extend the deadline, never shorten it")
    opening = command.opening_time or terms.opening_time
    questions = command.questions_deadline or terms.questions_deadline
    # Vendors need time to react to a late change: move the deadline (and the opening with
    # it) to at least N days from now, at the same local time of day.
    pack = _pack(state)
    rule = pack.rule("addendum_extension")
    applied: list[RuleApplied] = []
    earliest = deadline
    if rule is not None:
        earliest = calendar.add_days(ctx.now, rule.days, rule.day_kind, pack.holiday_calendar, state.time_zone)
    extended = deadline < earliest
    if rule is not None:
        applied.append(rules.applied(
            "addendum_extension", rule, required=f"deadline at least {rule.days} {rule.day_kind} days after "
            f"the addendum: {calendar.local(earliest, state.time_zone).isoformat()}",
            used=("extended to " if extended else "kept at ")
            + calendar.local(max(deadline, earliest), state.time_zone).isoformat()))
    if extended:
        shift = earliest - deadline
        deadline = earliest
        opening = opening + shift
    opening = max(opening, deadline)
    if questions > deadline:
        raise field_error("questions_deadline", "must not be after the submission deadline")
    cooperative = with_lead(command.cooperative, state.agency_id)
    if cooperative is not None:
        check_cooperative(cooperative, terms.estimated_value.currency)
    return [AddendumPublished(
        solicitation_id=state.solicitation_id,
        number=state.latest_addendum + 1,
        summary=command.summary,
        changes=command.changes,
        submission_deadline=deadline,
        questions_deadline=questions,
        opening_time=opening,
        documents=list(command.documents),
        deadline_extended=extended,
        published_at=ctx.now,
        rules_applied=applied,
        cooperative=cooperative,
    )]


# -- evolve -----------------------------------------------------------------------------


def evolve(state: Solicitation, event: Event) -> Solicitation:
    replace = msgspec.structs.replace
    match event:
        case SolicitationCreated():
            fields = msgspec.structs.asdict(event)
            terms = Terms(**{k: fields[k] for k in Terms.__struct_fields__})
            return Solicitation(exists=True, solicitation_id=event.solicitation_id, agency_id=event.agency_id,
                                jurisdiction=event.jurisdiction, time_zone=event.time_zone, terms=terms)
        case SolicitationUpdated():
            fields = msgspec.structs.asdict(event)
            return replace(state, terms=Terms(**{k: fields[k] for k in Terms.__struct_fields__}))
        case SolicitationPublished():
            return replace(state, status="published", published_at=event.published_at, rule_pack=event.rule_pack,
                           rules_applied=(*state.rules_applied, *event.rules_applied))
        case AddendumPublished():
            terms = replace(state.t, submission_deadline=event.submission_deadline,
                            questions_deadline=event.questions_deadline or state.t.questions_deadline,
                            opening_time=event.opening_time or state.t.opening_time,
                            documents=[*state.t.documents, *event.documents],
                            cooperative=event.cooperative or state.t.cooperative)
            addendum = Addendum(number=event.number, summary=event.summary, changes=event.changes,
                                submission_deadline=event.submission_deadline,
                                deadline_extended=event.deadline_extended, published_at=event.published_at,
                                documents=tuple(event.documents))
            return replace(state, terms=terms, addenda=(*state.addenda, addendum),
                           rules_applied=(*state.rules_applied, *event.rules_applied))
        case QuestionAsked():
            question = Question(question_id=event.question_id, question=event.question, asked_at=event.asked_at,
                                asked_by=event.asked_by)
            return replace(state, questions=(*state.questions, question))
        case QuestionAnswered():
            return replace(state, questions=tuple(
                replace(q, answer=event.answer, answered_at=event.answered_at)
                if q.question_id == event.question_id else q for q in state.questions))
        case SolicitationClosed():
            return replace(state, status="closed", closed_at=event.closed_at)
        case SolicitationOpened():
            return replace(state, status="opened", opened_at=event.opened_at,
                           tabulation=tuple(event.tabulation))
        case SolicitationCancelled():
            return replace(state, status="cancelled", cancel_reason=event.reason)
        case DuplicatePurchaseSuspected():
            return replace(state, duplicates=(*state.duplicates, event))
        case SolicitationUnderEvaluation():
            return replace(state, status="under_evaluation")
        case SolicitationAwarded():
            return replace(state, status="awarded", award_ids=(*state.award_ids, event.award_id))
        case SolicitationUnsuccessful():
            return replace(state, status="unsuccessful", unsuccessful_reason=event.reason)
    return state


def timers(event: Event) -> Iterable[Timer]:
    match event:
        case SolicitationPublished():
            stream = SOLICITATION.stream_id(event.solicitation_id)
            yield timer(CLOSE_TIMER, stream, event.submission_deadline, solicitation_id=event.solicitation_id)
            yield timer(OPEN_TIMER, stream, opening_due(event.submission_deadline, event.opening_time),
                        solicitation_id=event.solicitation_id)
        case AddendumPublished():
            stream = SOLICITATION.stream_id(event.solicitation_id)
            yield timer(CLOSE_TIMER, stream, event.submission_deadline, solicitation_id=event.solicitation_id)
            yield timer(OPEN_TIMER, stream, opening_due(event.submission_deadline, event.opening_time),
                        solicitation_id=event.solicitation_id)


SOLICITATION = Decider(stream_prefix="solicitation", initial=Solicitation, decide=decide, evolve=evolve,
                       timers=timers)
