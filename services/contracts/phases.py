"""Phases, their performance reviews, and the options that follow them. Pure.

A pilot (or any phase) carries KPIs; once it has ended, the buyer reviews it, KPI by KPI,
with evidence. What follows a phase (a scale-up phase, an option) goes ahead only when
its review passed, or did not pass but an approver justified going on. Exercising an
option is an amendment: the existing approval share applies.
"""

from __future__ import annotations

import math
from datetime import date

from events.base import Event, Money
from events.contracts import (
    OptionDeadlineReminded,
    OptionExercised,
    OptionLapsed,
    PhaseAdded,
    PhaseReviewed,
    ReviewJustified,
)
from kernel.context import Context
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from kernel.limits import MAX_AMOUNT
from kernel.money import check_money
from services.contracts.aggregate import (
    Contract,
    Phase,
    amend,
    blank,
    existing,
    in_term,
    require_buyer,
    require_status,
)
from services.contracts.commands import (
    AddPhase,
    ExerciseOption,
    JustifyReview,
    LapseOption,
    RemindOption,
    ReviewPhase,
)

PHASE_KINDS = ("pilot", "scale_up")
OPTION_KINDS = ("extra_years", "extra_quantity")
#: each unit of a KPI: (lowest, highest, whole numbers only)
UNITS: dict[str, tuple[float, float, bool]] = {
    "percent": (0, 100, False),
    "count": (0, 1_000_000_000, True),
    "days": (0, 36_500, False),
    "hours": (0, 1_000_000, False),
    "minutes": (0, 10_000_000, False),
    "score_1_to_5": (1, 5, False),
    "ratio": (0, 1, False),
    "minor_units": (0, MAX_AMOUNT, True),
}
MAX_KPIS = 50
MAX_OPTIONS = 20
MAX_QUANTITY = 1_000_000_000


def check_value(unit: str, value: float, field: str) -> None:
    """A KPI value (target or measurement) fits its unit."""
    low, high, whole = UNITS[unit]
    if not math.isfinite(value) or not low <= value <= high:
        raise field_error(field, f"a {unit} value from {low:g} to {high:g}")
    if whole and value != int(value):
        raise field_error(field, f"a whole number of {unit}")


def _check_kpis(command: AddPhase) -> None:
    if not command.kpis:
        raise field_error("kpis", "a phase has at least one KPI")
    if len(command.kpis) > MAX_KPIS:
        raise field_error("kpis", f"at most {MAX_KPIS}")
    names: set[str] = set()
    for i, kpi in enumerate(command.kpis):
        name = kpi.name.strip()
        if not name:
            raise field_error(f"kpis[{i}].name", "must not be blank")
        if name.casefold() in names:
            raise field_error(f"kpis[{i}].name", "each KPI name once")
        names.add(name.casefold())
        if kpi.unit not in UNITS:
            raise field_error(f"kpis[{i}].unit", f"one of {', '.join(UNITS)}")
        check_value(kpi.unit, kpi.target, f"kpis[{i}].target")
        if blank(kpi.measurement):
            raise field_error(f"kpis[{i}].measurement", "say how it is measured")


def _check_options(command: AddPhase, state: Contract) -> None:
    assert state.opened is not None and state.end_date is not None
    if len(command.options) > MAX_OPTIONS:
        raise field_error("options", f"at most {MAX_OPTIONS}")
    seen: set[str] = set()
    for i, option in enumerate(command.options):
        field = f"options[{i}]"
        if option.option_id in seen or option.option_id in state.options:
            raise field_error(f"{field}.option_id", "each option id once")
        seen.add(option.option_id)
        if option.kind not in OPTION_KINDS:
            raise field_error(f"{field}.kind", f"one of {', '.join(OPTION_KINDS)}")
        if blank(option.description):
            raise field_error(f"{field}.description", "must not be blank")
        check_money(option.added_value, f"{field}.added_value")
        if option.added_value.currency != state.opened.value.currency:
            raise field_error(f"{field}.added_value.currency", f"the contract is in {state.opened.value.currency}")
        in_term(state, option.exercise_deadline, f"{field}.exercise_deadline")
        if option.exercise_deadline <= command.end_date:
            raise field_error(f"{field}.exercise_deadline",
                              "must be after the phase ends (its review comes first)")
        if option.kind == "extra_years":
            if option.extend_to is None or option.extend_to <= state.end_date:
                raise field_error(f"{field}.extend_to",
                                  f"extra years extend the term past {state.end_date.isoformat()}")
            if option.quantity is not None:
                raise field_error(f"{field}.quantity", "extra years add no quantity")
        else:
            if option.quantity is None or not 1 <= option.quantity <= MAX_QUANTITY:
                raise field_error(f"{field}.quantity", f"extra quantity from 1 to {MAX_QUANTITY}")
            if option.extend_to is not None and option.extend_to <= state.end_date:
                raise field_error(f"{field}.extend_to", f"must be after {state.end_date.isoformat()}")


def add_phase(command: AddPhase, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    require_buyer(ctx, opened, admin=False)
    require_status(state, "pending", "active")
    assert state.value is not None
    if command.phase_id in state.phases:
        raise Conflict("the phase already exists", code="duplicate")
    if command.kind not in PHASE_KINDS:
        raise field_error("kind", f"one of {', '.join(PHASE_KINDS)}")
    if blank(command.name):
        raise field_error("name", "must not be blank")
    check_money(command.budget, "budget")
    if command.budget.currency != opened.value.currency:
        raise field_error("budget.currency", f"the contract is in {opened.value.currency}")
    if command.budget.amount > state.value.amount:
        raise field_error("budget.amount", "a phase's budget fits within the contract's value")
    in_term(state, command.start_date, "start_date")
    in_term(state, command.end_date, "end_date")
    if command.end_date < command.start_date:
        raise field_error("end_date", "must not be before the start date")
    if command.kind == "pilot" and command.follows is not None:
        raise field_error("follows", "a pilot follows no phase")
    if command.kind == "scale_up":
        before = state.phases.get(command.follows or "")
        if before is None:
            raise field_error("follows", "a scale-up names the phase it follows")
        if command.start_date <= before.added.end_date:
            raise field_error("start_date", f"after the phase it follows ends ({before.added.end_date.isoformat()})")
    _check_kpis(command)
    _check_options(command, state)
    return [PhaseAdded(
        contract_id=opened.contract_id, phase_id=command.phase_id, kind=command.kind,
        name=command.name.strip(), budget=command.budget, start_date=command.start_date,
        end_date=command.end_date, kpis=command.kpis, options=command.options,
        follows=command.follows, added_by=ctx.actor.sub, added_at=ctx.now)]


def _phase(state: Contract, phase_id: str) -> Phase:
    phase = state.phases.get(phase_id)
    if phase is None:
        raise NotFound(f"phase {phase_id} not found")
    return phase


def review_phase(command: ReviewPhase, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    require_buyer(ctx, opened, admin=False)
    require_status(state, "active", "completed")
    phase = _phase(state, command.phase_id)
    added = phase.added
    if ctx.now.date() <= added.end_date:
        raise Conflict(f"the phase ends on {added.end_date.isoformat()}; it is reviewed after",
                       code="phase_not_ended")
    if phase.review is not None:
        raise Conflict("the phase has been reviewed", code="already_reviewed")
    if added.follows is not None and not state.phases[added.follows].cleared:
        raise Conflict("the phase it follows has no passing or justified review", code="scale_up_blocked")
    kpis = {k.name: k for k in added.kpis}
    given: set[str] = set()
    for i, result in enumerate(command.results):
        kpi = kpis.get(result.kpi)
        if kpi is None:
            raise field_error(f"results[{i}].kpi", f"not a KPI of this phase ({', '.join(kpis)})")
        if result.kpi in given:
            raise field_error(f"results[{i}].kpi", "each KPI once")
        given.add(result.kpi)
        check_value(kpi.unit, result.measured, f"results[{i}].measured")
        if not result.evidence:
            raise field_error(f"results[{i}].evidence", "at least one evidence document")
        for j, document_id in enumerate(result.evidence):
            if document_id not in command.contract_documents:
                raise field_error(f"results[{i}].evidence[{j}]",
                                  f"document {document_id} is not attached to the contract")
    missing = [name for name in kpis if name not in given]
    if missing:
        raise field_error("results", f"a result for every KPI (missing: {', '.join(missing)})")
    return [PhaseReviewed(
        contract_id=opened.contract_id, phase_id=added.phase_id, review_id=command.review_id,
        results=command.results, passed=all(r.met for r in command.results),
        summary=command.summary.strip(), reviewed_by=ctx.actor.sub, reviewed_at=ctx.now)]


def justify_review(command: JustifyReview, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    if ctx.actor.role != "admin":
        raise Forbidden("scaling up after a review that did not pass needs an approver", code="admin_only")
    phase = _phase(state, command.phase_id)
    if phase.review is None or phase.review.review_id != command.review_id:
        raise NotFound(f"review {command.review_id} of phase {command.phase_id} not found")
    if phase.review.passed:
        raise Conflict("the review passed; nothing to justify", code="review_passed")
    if phase.justification is not None:
        raise Conflict("the review has been justified", code="already_justified")
    if blank(command.justification):
        raise field_error("justification", "must not be blank")
    return [ReviewJustified(
        contract_id=opened.contract_id, phase_id=command.phase_id, review_id=phase.review.review_id,
        justification=command.justification.strip(), approved_by=ctx.actor.sub, approved_at=ctx.now)]


def exercise_option(command: ExerciseOption, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    require_buyer(ctx, opened)
    require_status(state, "active")
    assert state.value is not None and state.end_date is not None
    held = state.options.get(command.option_id)
    if held is None:
        raise NotFound(f"option {command.option_id} not found")
    if held.status != "open":
        raise Conflict(f"the option is {held.status.replace('_', ' ')}", code=f"option_{held.status}")
    option = held.option
    if ctx.now.date() > option.exercise_deadline:
        raise Conflict(f"the exercise deadline was {option.exercise_deadline.isoformat()}",
                       code="deadline_passed")
    phase = state.phases[held.phase_id]
    if phase.review is None:
        raise Conflict("the phase before has not been reviewed", code="review_required")
    if not phase.cleared:
        raise Conflict("the review of the phase before did not meet its KPIs and has no justification",
                       code="review_not_met")
    end_date = state.end_date
    if option.extend_to is not None:
        if option.extend_to <= state.end_date:
            raise Conflict(f"the term already ends on {state.end_date.isoformat()}", code="option_outdated")
        end_date = option.extend_to
    reason = f"option {option.option_id} exercised: {option.description}"
    if not blank(command.reason):
        reason += f" ({command.reason.strip()})"
    value = Money(amount=state.value.amount + option.added_value.amount, currency=state.value.currency)
    amendment = amend(state, ctx, kind="option_exercise", reason=reason, value=value, end_date=end_date)
    number = len(state.amendments) + 1
    return [OptionExercised(contract_id=opened.contract_id, option_id=option.option_id, number=number,
                            exercised_by=ctx.actor.sub, exercised_at=ctx.now), amendment]


def remind_option(command: RemindOption, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    held = state.options.get(command.option_id)
    if (held is None or held.status != "open" or held.reminded or state.status != "active"
            or held.option.exercise_deadline != command.exercise_deadline):
        return []
    return [OptionDeadlineReminded(contract_id=opened.contract_id, option_id=command.option_id,
                                   exercise_deadline=command.exercise_deadline,
                                   days_before=command.days_before, description=held.option.description)]


def lapse_option(command: LapseOption, state: Contract, ctx: Context) -> list[Event]:
    opened = existing(state)
    held = state.options.get(command.option_id)
    if held is None or held.status != "open" or ctx.now.date() <= held.option.exercise_deadline:
        return []
    return [OptionLapsed(contract_id=opened.contract_id, option_id=command.option_id,
                         exercise_deadline=held.option.exercise_deadline, lapsed_at=ctx.now)]


def lapsed_on_rejection(state: Contract, number: int, ctx: Context) -> list[Event]:
    """An option whose amendment was rejected after its deadline lapses at once."""
    option_id = state.option_amendments.get(number)
    held = state.options.get(option_id or "")
    if held is None or ctx.now.date() <= held.option.exercise_deadline:
        return []
    return [OptionLapsed(contract_id=existing(state).contract_id, option_id=held.option.option_id,
                         exercise_deadline=held.option.exercise_deadline, lapsed_at=ctx.now)]


def remaining_options(state: Contract, on: date) -> list[str]:
    """The ids of the options that may still be exercised (open, deadline not passed)."""
    return [i for i, o in state.options.items() if o.status == "open" and on <= o.option.exercise_deadline]
