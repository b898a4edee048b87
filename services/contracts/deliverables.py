"""Deliverables: what the vendor delivers on due dates (given, or a monthly, quarterly or
annual schedule over the term), the vendor's submissions, the buyer's decisions, and the
overdue notice when a due date passes with nothing accepted or waiting. Pure."""

from __future__ import annotations

import calendar
from datetime import date

from events.base import Event
from events.contracts import (
    DeliverableAdded,
    DeliverableOverdue,
    DeliverableSubmitted,
    SubmissionDecided,
)
from kernel.context import Context
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from services.contracts.aggregate import (
    Contract,
    Deliverable,
    blank,
    existing,
    in_term,
    require_buyer,
    require_status,
    vendor_party,
)
from services.contracts.commands import (
    AddDeliverables,
    DecideSubmission,
    MarkOverdue,
    NewDeliverable,
    SubmitDeliverable,
)

#: schedule -> months between due dates
SCHEDULES = {"monthly": 1, "quarterly": 3, "annual": 12}
MAX_DUE_DATES = 240
MAX_AT_ONCE = 50


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month when it is shorter."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule_dates(first_due: date, schedule: str, until: date) -> list[date]:
    """Every due date of a schedule, from ``first_due`` to ``until`` (inclusive)."""
    step = SCHEDULES[schedule]
    found: list[date] = []
    while (due := add_months(first_due, step * len(found))) <= until:
        found.append(due)
        if len(found) > MAX_DUE_DATES:
            raise field_error("schedule", f"at most {MAX_DUE_DATES} due dates over the term")
    return found


def _due_dates(item: NewDeliverable, state: Contract) -> tuple[date, ...]:
    assert state.end_date is not None
    if item.schedule is not None:
        if item.due_dates is not None:
            raise field_error("schedule", "give due dates or a schedule, not both")
        if item.schedule not in SCHEDULES:
            raise field_error("schedule", f"one of {', '.join(SCHEDULES)}")
        if item.first_due is None:
            raise field_error("first_due", "a schedule starts on a first due date")
        in_term(state, item.first_due, "first_due")
        return tuple(schedule_dates(item.first_due, item.schedule, state.end_date))
    if item.first_due is not None:
        raise field_error("first_due", "a first due date goes with a schedule")
    if not item.due_dates:
        raise field_error("due_dates", "give due dates or a schedule")
    if len(item.due_dates) > MAX_DUE_DATES:
        raise field_error("due_dates", f"at most {MAX_DUE_DATES}")
    for i, due in enumerate(item.due_dates):
        in_term(state, due, f"due_dates[{i}]")
    if len(set(item.due_dates)) != len(item.due_dates):
        raise field_error("due_dates", "each date once")
    return tuple(sorted(item.due_dates))


def add_deliverables(command: AddDeliverables, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    require_buyer(ctx, opened, admin=False)
    require_status(state, "pending", "active")
    if not command.items:
        raise field_error("title", "at least one deliverable")
    if len(command.items) > MAX_AT_ONCE:
        raise Conflict(f"at most {MAX_AT_ONCE} deliverables at once", code="too_many")
    events: list[Event] = []
    for item in command.items:
        if item.deliverable_id in state.deliverables:
            raise Conflict("the deliverable already exists", code="duplicate")
        if blank(item.title):
            raise field_error("title", "must not be blank")
        events.append(DeliverableAdded(
            contract_id=opened.contract_id, deliverable_id=item.deliverable_id, title=item.title.strip(),
            description=item.description.strip(), schedule=item.schedule, due_dates=_due_dates(item, state),
            criterion_id=item.criterion_id, added_by=ctx.actor.sub, added_at=ctx.now))
    return events


def _deliverable(state: Contract, deliverable_id: str) -> Deliverable:
    found = state.deliverables.get(deliverable_id)
    if found is None:
        raise NotFound(f"deliverable {deliverable_id} not found")
    return found


def submit(command: SubmitDeliverable, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    if not vendor_party(ctx.actor, opened):
        raise Forbidden("only the contracted vendor submits deliverables", code="not_the_vendor")
    require_status(state, "active")
    deliverable = _deliverable(state, command.deliverable_id)
    if command.submission_id in deliverable.submissions:
        raise Conflict("the submission already exists", code="duplicate")
    due = command.due_date
    if due is None:
        open_dates = [d for d in deliverable.added.due_dates
                      if deliverable.occurrence_status(d) in ("due", "rejected")]
        if not open_dates:
            raise Conflict("every due date of the deliverable is accepted or awaiting a decision",
                           code="nothing_due")
        due = open_dates[0]
    elif due not in deliverable.added.due_dates:
        raise field_error("due_date", "not a due date of this deliverable")
    status = deliverable.occurrence_status(due)
    if status == "accepted":
        raise Conflict(f"the delivery due {due.isoformat()} was accepted", code="already_accepted")
    if status == "submitted":
        raise Conflict(f"a submission for {due.isoformat()} awaits the buyer's decision",
                       code="submission_pending")
    if command.document_id not in command.contract_documents:
        raise field_error("document_id", f"document {command.document_id} is not attached to the contract")
    if blank(command.statement):
        raise field_error("statement", "must not be blank")
    return [DeliverableSubmitted(
        contract_id=opened.contract_id, deliverable_id=command.deliverable_id,
        submission_id=command.submission_id, due_date=due, document_id=command.document_id,
        statement=command.statement.strip(), submitted_by=ctx.actor.sub, submitted_at=ctx.now)]


def decide_submission(command: DecideSubmission, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    require_buyer(ctx, opened, admin=False)
    require_status(state, "active", "completed")
    deliverable = _deliverable(state, command.deliverable_id)
    submission = deliverable.submissions.get(command.submission_id)
    if submission is None:
        raise NotFound(f"submission {command.submission_id} not found")
    if submission.decision is not None:
        raise Conflict("the submission has been decided", code="already_decided")
    if not command.accept and blank(command.reason):
        raise field_error("reason", "a rejection states its reason")
    due = submission.submitted.due_date
    events: list[Event] = [SubmissionDecided(
        contract_id=opened.contract_id, deliverable_id=command.deliverable_id,
        submission_id=command.submission_id, accepted=command.accept, reason=command.reason.strip(),
        decided_by=ctx.actor.sub, decided_at=ctx.now)]
    if not command.accept and ctx.now.date() > due and due not in deliverable.overdue:
        events.append(DeliverableOverdue(contract_id=opened.contract_id, deliverable_id=command.deliverable_id,
                                         due_date=due, noticed_at=ctx.now, title=deliverable.added.title))
    return events


def mark_overdue(command: MarkOverdue, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    deliverable = state.deliverables.get(command.deliverable_id)
    if (deliverable is None or state.status != "active" or command.due_date in deliverable.overdue
            or command.due_date not in deliverable.added.due_dates or ctx.now.date() <= command.due_date
            or deliverable.occurrence_status(command.due_date) in ("accepted", "submitted")):
        return []
    return [DeliverableOverdue(contract_id=opened.contract_id, deliverable_id=command.deliverable_id,
                               due_date=command.due_date, noticed_at=ctx.now, title=deliverable.added.title)]
