"""The contract aggregate: pending -> active (both parties signed) -> completed | terminated,
with numbered amendments, expiry notices, performance ratings, phases and their reviews,
options, deliverables and the renewal stage. Pure; the rules of phases and options are in
``phases.py``, of deliverables in ``deliverables.py``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import msgspec

from events.base import Event
from events.contracts import (
    ContractActivated,
    ContractCompleted,
    ContractExpiryNoticed,
    ContractModified,
    ContractOpened,
    ContractSigned,
    ContractTerminated,
    DeliverableAdded,
    DeliverableOverdue,
    DeliverableSubmitted,
    ModificationProposed,
    ModificationRejected,
    OptionDeadlineReminded,
    OptionExercised,
    OptionLapsed,
    PerformanceRated,
    PerformanceResponded,
    PhaseAdded,
    PhaseReviewed,
    RenewalStageSet,
    ReviewJustified,
    SubmissionDecided,
)
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from kernel.money import check_money
from kernel.timers import Timer, timer
from services.contracts.aggregate import (
    Contract,
    Deliverable,
    OptionState,
    Phase,
    Rating,
    Submission,
    amend,
    blank,
    buyer_party,
    existing,
    require_buyer,
    require_status,
    vendor_party,
)
from services.contracts.commands import (
    AddDeliverables,
    AddPhase,
    ApproveModification,
    Command,
    CompleteContract,
    DecideSubmission,
    EndTerm,
    ExerciseOption,
    JustifyReview,
    LapseOption,
    MarkOverdue,
    ModifyContract,
    OpenContract,
    RatePerformance,
    RecordExpiryNotice,
    RejectModification,
    RemindOption,
    RespondToRating,
    ReviewPhase,
    SetRenewalStage,
    SignContract,
    SubmitDeliverable,
    TerminateContract,
)
from services.contracts.deliverables import (
    add_deliverables,
    decide_submission,
    mark_overdue,
    submit,
)
from services.contracts.phases import (
    add_phase,
    exercise_option,
    justify_review,
    lapse_option,
    lapsed_on_rejection,
    remaining_options,
    remind_option,
    review_phase,
)
from services.contracts.settings import SETTINGS

EXPIRY_NOTICE_TIMER = "contracts.expiry_notice"
END_OF_TERM_TIMER = "contracts.end_of_term"
OPTION_REMINDER_TIMER = "contracts.option_reminder"
OPTION_LAPSE_TIMER = "contracts.option_lapse"
OVERDUE_TIMER = "contracts.deliverable_overdue"
KINDS = ("value_change", "time_extension", "option_exercise", "other")
RENEWAL_STAGES = ("plan", "exercise_option", "re_compete", "let_lapse")
RATING_FIELDS = ("quality", "timeliness", "cost_control", "communication")


def _open(command: OpenContract, state: Contract, ctx: Context) -> list[Event]:
    if not ctx.actor.is_system:
        raise Forbidden("contracts are opened by final awards only", code="opened_by_award")
    if state.exists:
        raise Conflict("the contract is already open", code="duplicate")
    return [ContractOpened(**msgspec.structs.asdict(command), opened_at=ctx.now)]


def _sign(state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    if buyer_party(ctx.actor, opened):
        party = "buyer"
    elif vendor_party(ctx.actor, opened):
        party = "vendor"
    else:
        raise Forbidden("only the contracting agency's buyer or the vendor signs", code="not_a_party")
    require_status(state, "pending")
    if party in state.signatures:
        raise Conflict(f"the {party} has already signed", code="already_signed")
    signed = ContractSigned(contract_id=opened.contract_id, party=party, signed_by=ctx.actor.sub,
                            signed_at=ctx.now)
    if len(state.signatures) == 0:
        return [signed]
    return [signed, ContractActivated(contract_id=opened.contract_id, activated_at=ctx.now,
                                      end_date=state.end_date)]


def _modify(command: ModifyContract, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    require_buyer(ctx, opened)
    require_status(state, "active")
    if command.kind not in KINDS:
        raise field_error("kind", f"one of {', '.join(KINDS)}")
    if blank(command.reason):
        raise field_error("reason", "an amendment states its reason")
    assert state.value is not None and state.end_date is not None
    value = command.value or state.value
    end_date = command.end_date or state.end_date
    check_money(value, "value")
    if value.currency != opened.value.currency:
        raise field_error("value.currency", f"the contract is in {opened.value.currency}")
    if end_date <= opened.start_date:
        raise field_error("end_date", "must be after the start date")
    if value == state.value and end_date == state.end_date:
        raise field_error("value", "an amendment changes the value or the end date")
    return [amend(state, ctx, kind=command.kind, reason=command.reason.strip(), value=value,
                  end_date=end_date)]


def _proposal(state: Contract, number: int, ctx: Context) -> ModificationProposed:
    if ctx.actor.role != "admin":
        raise Forbidden("an amendment beyond the approval share needs an admin", code="admin_only")
    proposal = state.proposals.get(number)
    if proposal is None:
        raise NotFound(f"no amendment {number} waits for approval")
    return proposal


def _approve(command: ApproveModification, state: Contract, ctx: Context) -> list[Event]:
    existing(state)
    proposal = _proposal(state, command.number, ctx)
    require_status(state, "active")
    return [ContractModified(
        contract_id=proposal.contract_id, number=proposal.number, reason=proposal.reason,
        value=proposal.value, end_date=proposal.end_date, kind=proposal.kind,
        approved_by=ctx.actor.sub, modified_at=ctx.now)]


def _reject(command: RejectModification, state: Contract, ctx: Context) -> list[Event]:
    existing(state)
    proposal = _proposal(state, command.number, ctx)
    if blank(command.reason):
        raise field_error("reason", "a rejection states its reason")
    return [ModificationRejected(contract_id=proposal.contract_id, number=proposal.number,
                                 reason=command.reason.strip(), rejected_by=ctx.actor.sub,
                                 rejected_at=ctx.now), *lapsed_on_rejection(state, proposal.number, ctx)]


def _notice(command: RecordExpiryNotice, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    if (state.status != "active" or command.end_date != state.end_date
            or (command.days_before, command.end_date) in state.notices):
        return []  # a stale timer: the contract ended or its end date moved
    return [ContractExpiryNoticed(contract_id=opened.contract_id, days_before=command.days_before,
                                  end_date=command.end_date)]


def _end_term(command: EndTerm, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    if state.status != "active" or command.end_date != state.end_date:
        return []
    return [ContractCompleted(contract_id=opened.contract_id, completed_at=ctx.now,
                              reason="the term ended")]


def _complete(command: CompleteContract, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    require_buyer(ctx, opened)
    require_status(state, "active")
    return [ContractCompleted(contract_id=opened.contract_id, completed_at=ctx.now,
                              reason=command.reason.strip() or "completed by the buyer")]


def _terminate(command: TerminateContract, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    require_buyer(ctx, opened)
    require_status(state, "pending", "active")
    if blank(command.reason):
        raise field_error("reason", "a termination states its reason")
    return [ContractTerminated(contract_id=opened.contract_id, reason=command.reason.strip(),
                               terminated_by=ctx.actor.sub, terminated_at=ctx.now)]


def _rate(command: RatePerformance, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    require_buyer(ctx, opened, admin=False)
    if state.status == "pending":
        raise Conflict("performance is rated once the contract is active", code="contract_pending")
    for name in RATING_FIELDS:
        if not 1 <= getattr(command, name) <= 5:
            raise field_error(name, "a rating from 1 to 5")
    if command.rating_id in state.ratings:
        raise Conflict("rating already recorded", code="duplicate")
    return [PerformanceRated(
        contract_id=opened.contract_id, rating_id=command.rating_id, vendor_id=opened.vendor_id,
        quality=command.quality, timeliness=command.timeliness, cost_control=command.cost_control,
        communication=command.communication, comment=command.comment.strip(),
        rated_by=ctx.actor.sub, rated_at=ctx.now)]


def _respond(command: RespondToRating, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    if not vendor_party(ctx.actor, opened):
        raise Forbidden("only the contracted vendor responds to a rating", code="not_the_vendor")
    rating = state.ratings.get(command.rating_id)
    if rating is None:
        raise NotFound(f"rating {command.rating_id} not found")
    if rating.response is not None:
        raise Conflict("the vendor has already responded to this rating", code="already_responded")
    if blank(command.response):
        raise field_error("response", "must not be blank")
    return [PerformanceResponded(contract_id=opened.contract_id, rating_id=command.rating_id,
                                 response=command.response.strip(), responded_by=ctx.actor.sub,
                                 responded_at=ctx.now)]


def _renewal_stage(command: SetRenewalStage, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    require_buyer(ctx, opened, admin=False)
    require_status(state, "pending", "active")
    if command.stage not in RENEWAL_STAGES:
        raise field_error("stage", f"one of {', '.join(RENEWAL_STAGES)}")
    if state.renewal and state.renewal[-1].stage == command.stage:
        raise Conflict(f"the renewal stage is already {command.stage}", code="stage_unchanged")
    if command.stage == "exercise_option" and not remaining_options(state, ctx.now.date()):
        raise Conflict("the contract has no option left to exercise", code="no_open_option")
    return [RenewalStageSet(contract_id=opened.contract_id, stage=command.stage,
                            note=command.note.strip(), set_by=ctx.actor.sub, set_at=ctx.now)]


def decide(command: Command, state: Contract, ctx: Context) -> list[Event]:
    match command:
        case OpenContract():
            return _open(command, state, ctx)
        case SignContract():
            return _sign(state, ctx)
        case ModifyContract():
            return _modify(command, state, ctx)
        case ApproveModification():
            return _approve(command, state, ctx)
        case RejectModification():
            return _reject(command, state, ctx)
        case RecordExpiryNotice():
            return _notice(command, state, ctx)
        case EndTerm():
            return _end_term(command, state, ctx)
        case CompleteContract():
            return _complete(command, state, ctx)
        case TerminateContract():
            return _terminate(command, state, ctx)
        case RatePerformance():
            return _rate(command, state, ctx)
        case RespondToRating():
            return _respond(command, state, ctx)
        case AddPhase():
            return add_phase(command, state, ctx)
        case ReviewPhase():
            return review_phase(command, state, ctx)
        case JustifyReview():
            return justify_review(command, state, ctx)
        case ExerciseOption():
            return exercise_option(command, state, ctx)
        case RemindOption():
            return remind_option(command, state, ctx)
        case LapseOption():
            return lapse_option(command, state, ctx)
        case AddDeliverables():
            return add_deliverables(command, state, ctx)
        case SubmitDeliverable():
            return submit(command, state, ctx)
        case DecideSubmission():
            return decide_submission(command, state, ctx)
        case MarkOverdue():
            return mark_overdue(command, state, ctx)
        case SetRenewalStage():
            return _renewal_stage(command, state, ctx)
    raise TypeError(f"unknown command {command!r}")


def evolve(state: Contract, event: Event) -> Contract:
    replace = msgspec.structs.replace
    match event:
        case ContractOpened():
            return Contract(exists=True, opened=event, value=event.value, end_date=event.end_date)
        case ContractSigned():
            return replace(state, signatures={**state.signatures, event.party: event})
        case ContractActivated():
            return replace(state, status="active", activated_at=event.activated_at)
        case ModificationProposed():
            state = _option_of(state, event.number, status="awaiting_approval")
            return replace(state, proposals={**state.proposals, event.number: event})
        case ModificationRejected():
            proposals = {n: p for n, p in state.proposals.items() if n != event.number}
            state = _option_of(state, event.number, status="open", number=None, exercised_by=None,
                               exercised_at=None)
            # the number is free again: a later amendment under it exercises no option
            freed = {n: o for n, o in state.option_amendments.items() if n != event.number}
            return replace(state, proposals=proposals, rejected=(*state.rejected, event),
                           option_amendments=freed)
        case ContractModified():
            proposals = {n: p for n, p in state.proposals.items() if n != event.number}
            state = _option_of(state, event.number, status="exercised")
            return replace(state, value=event.value, end_date=event.end_date, proposals=proposals,
                           amendments=(*state.amendments, event))
        case ContractExpiryNoticed():
            key = (event.days_before, event.end_date or state.end_date)
            return replace(state, notices=state.notices | {key})
        case ContractCompleted():
            return replace(state, status="completed", ended=event)
        case ContractTerminated():
            return replace(state, status="terminated", ended=event)
        case PerformanceRated():
            return replace(state, ratings={**state.ratings, event.rating_id: Rating(rated=event)})
        case PerformanceResponded():
            rating = replace(state.ratings[event.rating_id], response=event)
            return replace(state, ratings={**state.ratings, event.rating_id: rating})
        case PhaseAdded():
            options = {o.option_id: OptionState(option=o, phase_id=event.phase_id) for o in event.options}
            return replace(state, phases={**state.phases, event.phase_id: Phase(added=event)},
                           options={**state.options, **options})
        case PhaseReviewed():
            phase = replace(state.phases[event.phase_id], review=event)
            return replace(state, phases={**state.phases, event.phase_id: phase})
        case ReviewJustified():
            phase = replace(state.phases[event.phase_id], justification=event)
            return replace(state, phases={**state.phases, event.phase_id: phase})
        case OptionExercised():
            held = replace(state.options[event.option_id], number=event.number,
                           exercised_by=event.exercised_by, exercised_at=event.exercised_at)
            return replace(state, options={**state.options, event.option_id: held},
                           option_amendments={**state.option_amendments, event.number: event.option_id})
        case OptionDeadlineReminded():
            held = replace(state.options[event.option_id], reminded=True)
            return replace(state, options={**state.options, event.option_id: held})
        case OptionLapsed():
            held = replace(state.options[event.option_id], status="lapsed", lapsed_at=event.lapsed_at)
            return replace(state, options={**state.options, event.option_id: held})
        case DeliverableAdded():
            return replace(state, deliverables={**state.deliverables,
                                                event.deliverable_id: Deliverable(added=event)})
        case DeliverableSubmitted():
            found = state.deliverables[event.deliverable_id]
            found = replace(found, submissions={**found.submissions,
                                                event.submission_id: Submission(submitted=event)})
            return replace(state, deliverables={**state.deliverables, event.deliverable_id: found})
        case SubmissionDecided():
            found = state.deliverables[event.deliverable_id]
            decided = replace(found.submissions[event.submission_id], decision=event)
            found = replace(found, submissions={**found.submissions, event.submission_id: decided})
            return replace(state, deliverables={**state.deliverables, event.deliverable_id: found})
        case DeliverableOverdue():
            found = state.deliverables[event.deliverable_id]
            found = replace(found, overdue=found.overdue | {event.due_date})
            return replace(state, deliverables={**state.deliverables, event.deliverable_id: found})
        case RenewalStageSet():
            return replace(state, renewal=(*state.renewal, event))
    return state


def _option_of(state: Contract, amendment: int, **changes: object) -> Contract:
    """The state with the option that ``amendment`` exercises changed, if any."""
    option_id = state.option_amendments.get(amendment)
    if option_id is None:
        return state
    held = msgspec.structs.replace(state.options[option_id], **changes)
    return msgspec.structs.replace(state, options={**state.options, option_id: held})


STREAM_PREFIX = "contract"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _term_timers(contract_id: str, end_date: date, since: datetime) -> list[Timer]:
    """Expiry notices 90/60/30 days before the end (those still ahead), and the end."""
    stream = f"{STREAM_PREFIX}-{contract_id}"
    found = [timer(EXPIRY_NOTICE_TIMER, stream, _midnight(end_date - timedelta(days=days)),
                   contract_id=contract_id, days_before=days, end_date=end_date.isoformat())
             for days in SETTINGS.expiry_notice_days
             if _midnight(end_date - timedelta(days=days)) > since]
    found.append(timer(END_OF_TERM_TIMER, stream, _midnight(end_date + timedelta(days=1)),
                       contract_id=contract_id, end_date=end_date.isoformat()))
    return found


def _item_timer(kind: str, contract_id: str, key: str, due_at: datetime, **payload: object) -> Timer:
    """A timer of one item of the contract (an option, a deliverable): its id names the
    item, so two items due the same day each get theirs."""
    stream = f"{STREAM_PREFIX}-{contract_id}"
    return Timer(timer_id=f"{kind}:{stream}:{key}:{due_at.isoformat()}", kind=kind, stream_id=stream,
                 due_at=due_at, payload={"contract_id": contract_id, **payload})


def _option_timers(event: PhaseAdded) -> list[Timer]:
    found = []
    for option in event.options:
        deadline = option.exercise_deadline
        remind_at = _midnight(deadline - timedelta(days=SETTINGS.option_reminder_days))
        if remind_at > event.added_at:
            found.append(_item_timer(OPTION_REMINDER_TIMER, event.contract_id, option.option_id, remind_at,
                                     option_id=option.option_id, exercise_deadline=deadline.isoformat(),
                                     days_before=SETTINGS.option_reminder_days))
        found.append(_item_timer(OPTION_LAPSE_TIMER, event.contract_id, option.option_id,
                                 _midnight(deadline + timedelta(days=1)), option_id=option.option_id,
                                 exercise_deadline=deadline.isoformat()))
    return found


def _overdue_timers(event: DeliverableAdded) -> list[Timer]:
    return [_item_timer(OVERDUE_TIMER, event.contract_id, event.deliverable_id,
                        _midnight(due + timedelta(days=1)), deliverable_id=event.deliverable_id,
                        due_date=due.isoformat())
            for due in event.due_dates]


def timers(event: Event) -> list[Timer]:
    match event:
        case PhaseAdded():
            return _option_timers(event)
        case DeliverableAdded():
            return _overdue_timers(event)
        case ContractActivated(end_date=end_date) if end_date is not None:
            return _term_timers(event.contract_id, end_date, event.activated_at)
        case ContractModified(modified_at=modified_at) if modified_at is not None:
            return _term_timers(event.contract_id, event.end_date, modified_at)
    return []


CONTRACT = Decider(stream_prefix=STREAM_PREFIX, initial=Contract, decide=decide, evolve=evolve,
                   timers=timers)


__all__ = ["CONTRACT", "Contract", "Rating", "buyer_party", "vendor_party"]
