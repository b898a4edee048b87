"""The agency aggregate: pure ``decide`` and ``evolve``."""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec

from events.agencies import AgencyGoalsSet, AgencyRegistered, DiversityGoal
from events.base import Event
from kernel.calendar import is_zone
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from kernel.programs import check_program
from services.agencies.commands import Command, RegisterAgency, SetGoals


class Agency(msgspec.Struct, frozen=True, kw_only=True):
    exists: bool = False
    agency_id: str = ""
    name: str = ""
    jurisdiction: str = ""
    goals: tuple[DiversityGoal, ...] = ()
    prompt_payment_days: int = 30
    late_interest_annual_rate: float = 0.05
    local_zip_prefixes: tuple[str, ...] = ()
    time_zone: str = "UTC"
    interest_rate_agreed: bool = True

    @property
    def state(self) -> str | None:
        return us_state_of(self.jurisdiction)


def us_state_of(jurisdiction: str) -> str | None:
    """The USPS state of a ``US-<state>[-<place>]`` jurisdiction, else ``None``."""
    match = _US_JURISDICTION.match(jurisdiction)
    return match.group(1) if match else None


_US_JURISDICTION = re.compile(r"^US-([A-Z]{2})(?:-|$)")
_ZIP_PREFIX = re.compile(r"^\d{1,5}$")


def _check_zip_prefixes(prefixes: Sequence[str]) -> None:
    for i, prefix in enumerate(prefixes):
        if not _ZIP_PREFIX.match(prefix):
            raise field_error(f"local_zip_prefixes[{i}]", "must be 1 to 5 digits of a ZIP code")


def _check_goals(goals: Sequence[DiversityGoal]) -> None:
    seen = set()
    for i, goal in enumerate(goals):
        check_program(goal.program, f"goals[{i}].program")
        if goal.program in seen:
            raise field_error(f"goals[{i}].program", "each program once")
        seen.add(goal.program)
        if not 0 <= goal.percent <= 100:
            raise field_error(f"goals[{i}].percent", "must be between 0 and 100")


def decide(command: Command, state: Agency, ctx: Context) -> list[Event]:
    if ctx.actor.role != "admin" and not ctx.actor.is_system:
        raise Forbidden("only an admin manages agencies")
    match command:
        case RegisterAgency():
            if state.exists:
                raise Conflict(f"agency {command.agency_id} already exists", code="duplicate")
            if not command.name.strip():
                raise field_error("name", "must not be blank")
            if not command.jurisdiction.strip():
                raise field_error("jurisdiction", "must not be blank")
            if not 1 <= command.prompt_payment_days <= 365:
                raise field_error("prompt_payment_days", "must be 1 to 365 days")
            if not 0 <= command.late_interest_annual_rate <= 1:
                raise field_error("late_interest_annual_rate", "a fraction between 0 and 1")
            if not is_zone(command.time_zone):
                raise field_error("time_zone", "an IANA time zone such as America/Chicago or Europe/Paris")
            _check_goals(command.goals)
            _check_zip_prefixes(command.local_zip_prefixes)
            return [AgencyRegistered(**msgspec.structs.asdict(command))]
        case SetGoals():
            if not state.exists:
                raise NotFound("agency not found")
            _check_goals(command.goals)
            return [AgencyGoalsSet(agency_id=state.agency_id, goals=list(command.goals))]
    raise TypeError(f"unknown command {command!r}")


def evolve(state: Agency, event: Event) -> Agency:
    match event:
        case AgencyRegistered():
            return Agency(
                exists=True,
                agency_id=event.agency_id,
                name=event.name,
                jurisdiction=event.jurisdiction,
                goals=tuple(event.goals),
                prompt_payment_days=event.prompt_payment_days,
                late_interest_annual_rate=event.late_interest_annual_rate,
                local_zip_prefixes=tuple(event.local_zip_prefixes),
                time_zone=event.time_zone,
                interest_rate_agreed=event.interest_rate_agreed,
            )
        case AgencyGoalsSet():
            return msgspec.structs.replace(state, goals=tuple(event.goals))
    return state


AGENCY = Decider(stream_prefix="agency", initial=Agency, decide=decide, evolve=evolve)
