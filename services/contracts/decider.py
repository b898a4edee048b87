"""The contract aggregate: pending -> active (both parties signed) -> completed | terminated,
with numbered amendments, expiry notices and performance ratings. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import msgspec

from events.base import Event, Money
from events.contracts import (
    ContractActivated,
    ContractCompleted,
    ContractExpiryNoticed,
    ContractModified,
    ContractOpened,
    ContractSigned,
    ContractTerminated,
    ModificationProposed,
    ModificationRejected,
    PerformanceRated,
    PerformanceResponded,
)
from kernel.context import Actor, Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from kernel.money import check_money
from kernel.timers import Timer, timer
from services.contracts.commands import (
    ApproveModification,
    Command,
    CompleteContract,
    EndTerm,
    ModifyContract,
    OpenContract,
    RatePerformance,
    RecordExpiryNotice,
    RejectModification,
    RespondToRating,
    SignContract,
    TerminateContract,
)
from services.contracts.settings import SETTINGS

EXPIRY_NOTICE_TIMER = "contracts.expiry_notice"
END_OF_TERM_TIMER = "contracts.end_of_term"
KINDS = ("value_change", "time_extension", "option_exercise", "other")
RATING_FIELDS = ("quality", "timeliness", "cost_control", "communication")


class Rating(msgspec.Struct, frozen=True, kw_only=True):
    rated: PerformanceRated
    response: PerformanceResponded | None = None


class Contract(msgspec.Struct, frozen=True, kw_only=True):
    exists: bool = False
    opened: ContractOpened | None = None
    status: str = "pending"  # | "active" | "completed" | "terminated"
    value: Money | None = None
    end_date: date | None = None
    signatures: dict[str, ContractSigned] = {}  # party -> signature
    activated_at: datetime | None = None
    amendments: tuple[ContractModified, ...] = ()
    proposals: dict[int, ModificationProposed] = {}
    rejected: tuple[ModificationRejected, ...] = ()
    notices: frozenset[tuple[int, date]] = frozenset()
    ratings: dict[str, Rating] = {}
    ended: ContractCompleted | ContractTerminated | None = None


def buyer_party(actor: Actor, opened: ContractOpened) -> bool:
    return actor.role == "buyer" and actor.agency == opened.agency_id


def vendor_party(actor: Actor, opened: ContractOpened) -> bool:
    return actor.role == "vendor" and actor.vendor == opened.vendor_id


def _existing(state: Contract) -> ContractOpened:
    if state.opened is None:
        raise NotFound("contract not found")
    return state.opened


def _require_buyer(ctx: Context, opened: ContractOpened, *, admin: bool = True) -> None:
    if (admin and ctx.actor.role == "admin") or buyer_party(ctx.actor, opened):
        return
    raise Forbidden("only a buyer of the contracting agency may do this", code="not_contract_buyer")


def _require_status(state: Contract, *allowed: str) -> None:
    if state.status not in allowed:
        raise Conflict(f"the contract is {state.status}", code=f"contract_{state.status}")


def _blank(text: str) -> bool:
    return not text.strip()


def _open(command: OpenContract, state: Contract, ctx: Context) -> list[Event]:
    if not ctx.actor.is_system:
        raise Forbidden("contracts are opened by final awards only", code="opened_by_award")
    if state.exists:
        raise Conflict("the contract is already open", code="duplicate")
    return [ContractOpened(**msgspec.structs.asdict(command), opened_at=ctx.now)]


def _sign(state: Contract, ctx: Context) -> list[Event]:
    opened = _existing(state)
    if buyer_party(ctx.actor, opened):
        party = "buyer"
    elif vendor_party(ctx.actor, opened):
        party = "vendor"
    else:
        raise Forbidden("only the contracting agency's buyer or the vendor signs", code="not_a_party")
    _require_status(state, "pending")
    if party in state.signatures:
        raise Conflict(f"the {party} has already signed", code="already_signed")
    signed = ContractSigned(contract_id=opened.contract_id, party=party, signed_by=ctx.actor.sub,
                            signed_at=ctx.now)
    if len(state.signatures) == 0:
        return [signed]
    return [signed, ContractActivated(contract_id=opened.contract_id, activated_at=ctx.now,
                                      end_date=state.end_date)]


def _modify(command: ModifyContract, state: Contract, ctx: Context) -> list[Event]:
    opened = _existing(state)
    _require_buyer(ctx, opened)
    _require_status(state, "active")
    if command.kind not in KINDS:
        raise field_error("kind", f"one of {', '.join(KINDS)}")
    if _blank(command.reason):
        raise field_error("reason", "an amendment states its reason")
    if state.proposals:
        raise Conflict("an amendment is waiting for approval", code="modification_pending",
                       details={"number": min(state.proposals)})
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
    number = len(state.amendments) + 1
    share = abs(value.amount - opened.value.amount) / opened.value.amount
    if share > opened.approval_share and ctx.actor.role != "admin":
        return [ModificationProposed(
            contract_id=opened.contract_id, number=number, kind=command.kind,
            reason=command.reason.strip(), value=value, end_date=end_date,
            proposed_by=ctx.actor.sub, proposed_at=ctx.now)]
    return [ContractModified(
        contract_id=opened.contract_id, number=number, reason=command.reason.strip(), value=value,
        end_date=end_date, kind=command.kind,
        approved_by=ctx.actor.sub if ctx.actor.role == "admin" else None, modified_at=ctx.now)]


def _proposal(state: Contract, number: int, ctx: Context) -> ModificationProposed:
    if ctx.actor.role != "admin":
        raise Forbidden("an amendment beyond the approval share needs an admin", code="admin_only")
    proposal = state.proposals.get(number)
    if proposal is None:
        raise NotFound(f"no amendment {number} waits for approval")
    return proposal


def _approve(command: ApproveModification, state: Contract, ctx: Context) -> list[Event]:
    _existing(state)
    proposal = _proposal(state, command.number, ctx)
    _require_status(state, "active")
    return [ContractModified(
        contract_id=proposal.contract_id, number=proposal.number, reason=proposal.reason,
        value=proposal.value, end_date=proposal.end_date, kind=proposal.kind,
        approved_by=ctx.actor.sub, modified_at=ctx.now)]


def _reject(command: RejectModification, state: Contract, ctx: Context) -> list[Event]:
    _existing(state)
    proposal = _proposal(state, command.number, ctx)
    if _blank(command.reason):
        raise field_error("reason", "a rejection states its reason")
    return [ModificationRejected(contract_id=proposal.contract_id, number=proposal.number,
                                 reason=command.reason.strip(), rejected_by=ctx.actor.sub,
                                 rejected_at=ctx.now)]


def _notice(command: RecordExpiryNotice, state: Contract, ctx: Context) -> list[Event]:
    opened = _existing(state)
    if (state.status != "active" or command.end_date != state.end_date
            or (command.days_before, command.end_date) in state.notices):
        return []  # a stale timer: the contract ended or its end date moved
    return [ContractExpiryNoticed(contract_id=opened.contract_id, days_before=command.days_before,
                                  end_date=command.end_date)]


def _end_term(command: EndTerm, state: Contract, ctx: Context) -> list[Event]:
    opened = _existing(state)
    if state.status != "active" or command.end_date != state.end_date:
        return []
    return [ContractCompleted(contract_id=opened.contract_id, completed_at=ctx.now,
                              reason="the term ended")]


def _complete(command: CompleteContract, state: Contract, ctx: Context) -> list[Event]:
    opened = _existing(state)
    _require_buyer(ctx, opened)
    _require_status(state, "active")
    return [ContractCompleted(contract_id=opened.contract_id, completed_at=ctx.now,
                              reason=command.reason.strip() or "completed by the buyer")]


def _terminate(command: TerminateContract, state: Contract, ctx: Context) -> list[Event]:
    opened = _existing(state)
    _require_buyer(ctx, opened)
    _require_status(state, "pending", "active")
    if _blank(command.reason):
        raise field_error("reason", "a termination states its reason")
    return [ContractTerminated(contract_id=opened.contract_id, reason=command.reason.strip(),
                               terminated_by=ctx.actor.sub, terminated_at=ctx.now)]


def _rate(command: RatePerformance, state: Contract, ctx: Context) -> list[Event]:
    opened = _existing(state)
    _require_buyer(ctx, opened, admin=False)
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
    opened = _existing(state)
    if not vendor_party(ctx.actor, opened):
        raise Forbidden("only the contracted vendor responds to a rating", code="not_the_vendor")
    rating = state.ratings.get(command.rating_id)
    if rating is None:
        raise NotFound(f"rating {command.rating_id} not found")
    if rating.response is not None:
        raise Conflict("the vendor has already responded to this rating", code="already_responded")
    if _blank(command.response):
        raise field_error("response", "must not be blank")
    return [PerformanceResponded(contract_id=opened.contract_id, rating_id=command.rating_id,
                                 response=command.response.strip(), responded_by=ctx.actor.sub,
                                 responded_at=ctx.now)]


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
            return replace(state, proposals={**state.proposals, event.number: event})
        case ModificationRejected():
            proposals = {n: p for n, p in state.proposals.items() if n != event.number}
            return replace(state, proposals=proposals, rejected=(*state.rejected, event))
        case ContractModified():
            proposals = {n: p for n, p in state.proposals.items() if n != event.number}
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
    return state


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


def timers(event: Event) -> list[Timer]:
    match event:
        case ContractActivated(end_date=end_date) if end_date is not None:
            return _term_timers(event.contract_id, end_date, event.activated_at)
        case ContractModified(modified_at=modified_at) if modified_at is not None:
            return _term_timers(event.contract_id, event.end_date, modified_at)
    return []


CONTRACT = Decider(stream_prefix=STREAM_PREFIX, initial=Contract, decide=decide, evolve=evolve,
                   timers=timers)
