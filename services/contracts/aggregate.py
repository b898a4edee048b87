"""The contract aggregate's state, and the rules several of its commands share (who may
act, in which status, how an amendment moves the value and the term). Pure."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from events.base import Event, Money
from events.contracts import (
    ContractCompleted,
    ContractModified,
    ContractOpened,
    ContractOption,
    ContractSigned,
    ContractTerminated,
    DeliverableAdded,
    DeliverableSubmitted,
    ModificationProposed,
    ModificationRejected,
    PerformanceRated,
    PerformanceResponded,
    PhaseAdded,
    PhaseReviewed,
    RenewalStageSet,
    ReviewJustified,
    SubmissionDecided,
)
from kernel.context import Actor, Context
from kernel.errors import Conflict, Forbidden, NotFound, field_error


class Rating(msgspec.Struct, frozen=True, kw_only=True):
    rated: PerformanceRated
    response: PerformanceResponded | None = None


class Phase(msgspec.Struct, frozen=True, kw_only=True):
    added: PhaseAdded
    review: PhaseReviewed | None = None
    justification: ReviewJustified | None = None

    @property
    def cleared(self) -> bool:
        """Reviewed and passed, or not passed but justified by an approver: what follows may go ahead."""
        return self.review is not None and (self.review.passed or self.justification is not None)


#: an option's life: open -> awaiting_approval (its amendment waits for an admin) ->
#: exercised; open -> lapsed (the deadline passed)
OPTION_STATUSES = ("open", "awaiting_approval", "exercised", "lapsed")


class OptionState(msgspec.Struct, frozen=True, kw_only=True):
    option: ContractOption
    phase_id: str
    status: str = "open"
    #: the amendment that carries it, once exercised
    number: int | None = None
    exercised_by: str | None = None
    exercised_at: datetime | None = None
    reminded: bool = False
    lapsed_at: datetime | None = None


class Submission(msgspec.Struct, frozen=True, kw_only=True):
    submitted: DeliverableSubmitted
    decision: SubmissionDecided | None = None


class Deliverable(msgspec.Struct, frozen=True, kw_only=True):
    added: DeliverableAdded
    submissions: dict[str, Submission] = {}
    #: due dates for which an overdue notice was raised
    overdue: frozenset[date] = frozenset()

    def occurrence_status(self, due: date) -> str:
        """"accepted", "submitted" (a submission awaits the decision), "rejected" or "due"."""
        mine = [s for s in self.submissions.values() if s.submitted.due_date == due]
        if any(s.decision is not None and s.decision.accepted for s in mine):
            return "accepted"
        if any(s.decision is None for s in mine):
            return "submitted"
        return "rejected" if mine else "due"


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
    phases: dict[str, Phase] = {}
    options: dict[str, OptionState] = {}
    #: amendment number -> the option it exercises
    option_amendments: dict[int, str] = {}
    deliverables: dict[str, Deliverable] = {}
    renewal: tuple[RenewalStageSet, ...] = ()


def buyer_party(actor: Actor, opened: ContractOpened) -> bool:
    return actor.role == "buyer" and actor.agency == opened.agency_id


def vendor_party(actor: Actor, opened: ContractOpened) -> bool:
    return actor.role == "vendor" and actor.vendor == opened.vendor_id


def existing(state: Contract) -> ContractOpened:
    if state.opened is None:
        raise NotFound("contract not found")
    return state.opened


def require_buyer(ctx: Context, opened: ContractOpened, *, admin: bool = True) -> None:
    if (admin and ctx.actor.role == "admin") or buyer_party(ctx.actor, opened):
        return
    raise Forbidden("only a buyer of the contracting agency may do this", code="not_contract_buyer")


def require_status(state: Contract, *allowed: str) -> None:
    if state.status not in allowed:
        raise Conflict(f"the contract is {state.status}", code=f"contract_{state.status}")


def blank(text: str) -> bool:
    return not text.strip()


def in_term(state: Contract, day: date, field: str) -> None:
    """A date of the contract must fall inside its term (start to the current end date)."""
    opened = existing(state)
    assert state.end_date is not None
    if not opened.start_date <= day <= state.end_date:
        raise field_error(field, f"must fall inside the contract term ({opened.start_date.isoformat()}"
                                 f" to {state.end_date.isoformat()})")


def amend(state: Contract, ctx: Context, *, kind: str, reason: str, value: Money,
          end_date: date) -> Event:
    """Amendment ``value``/``end_date``: in force, or proposed to an admin when it moves the
    value by more than the approval share of the original value."""
    opened = existing(state)
    if state.proposals:
        raise Conflict("an amendment is waiting for approval", code="modification_pending",
                       details={"number": min(state.proposals)})
    number = len(state.amendments) + 1
    share = abs(value.amount - opened.value.amount) / opened.value.amount
    if share > opened.approval_share and ctx.actor.role != "admin":
        return ModificationProposed(
            contract_id=opened.contract_id, number=number, kind=kind, reason=reason, value=value,
            end_date=end_date, proposed_by=ctx.actor.sub, proposed_at=ctx.now)
    return ContractModified(
        contract_id=opened.contract_id, number=number, reason=reason, value=value,
        end_date=end_date, kind=kind,
        approved_by=ctx.actor.sub if ctx.actor.role == "admin" else None, modified_at=ctx.now)
