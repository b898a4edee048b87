"""HTTP for agencies: parse, build a command, hand it to the executor."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post, put

from events.agencies import DiversityGoal
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.common import IdempotencyKey, new_id, scoped_command_id
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import NotFound
from services.agencies.commands import RegisterAgency, SetGoals
from services.agencies.decider import AGENCY, Agency
from services.solicitations.facts import default_time_zone, payment_terms, rule_pack_of


class GoalIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A diversity goal as clients send it (the event's value object tolerates new fields
    when old events are read; a request must not)."""

    program: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    percent: float

    def goal(self) -> DiversityGoal:
        return DiversityGoal(program=self.program, percent=self.percent)


class AgencyIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    jurisdiction: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    agency_id: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = None
    goals: Annotated[list[GoalIn], msgspec.Meta(max_length=50)] = []
    #: by default the prompt-payment days and interest of the jurisdiction's rule pack
    prompt_payment_days: Annotated[int, msgspec.Meta(ge=1, le=365)] | None = None
    late_interest_annual_rate: Annotated[float, msgspec.Meta(ge=0, le=1)] | None = None
    local_zip_prefixes: Annotated[list[str], msgspec.Meta(max_length=500)] = []
    #: IANA zone of the agency's local time; by default the zone of its state's rule pack
    time_zone: Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["America/Chicago"])] | None = None


class GoalsIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    goals: Annotated[list[GoalIn], msgspec.Meta(max_length=50)]


class AgencyOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    jurisdiction: str
    goals: list[DiversityGoal]
    prompt_payment_days: int
    late_interest_annual_rate: float
    #: the USPS state of a US jurisdiction (``US-WA-Seattle`` -> ``WA``): local vendors are there
    state: str | None
    local_zip_prefixes: list[str]
    time_zone: str
    #: the rule pack its jurisdiction code selects (``None``: no pack, nothing can be published)
    rule_pack: str | None
    version: int


def _out(state: Agency, version: int) -> AgencyOut:
    return AgencyOut(
        id=state.agency_id,
        name=state.name,
        jurisdiction=state.jurisdiction,
        goals=list(state.goals),
        prompt_payment_days=state.prompt_payment_days,
        late_interest_annual_rate=state.late_interest_annual_rate,
        state=state.state,
        local_zip_prefixes=list(state.local_zip_prefixes),
        time_zone=state.time_zone,
        rule_pack=rule_pack_of(state.jurisdiction),
        version=version,
    )


class AgencyController(Controller):
    path = "/agencies"
    tags = ["agencies"]

    @post(guards=[requires("admin")], summary="Register an agency",
          responses=error_responses(401, 403, 409, 422))
    async def register(self, executor: Executor, actor: Actor, data: AgencyIn,
                       idempotency_key: IdempotencyKey = None) -> AgencyOut:
        agency_id = data.agency_id or new_id("ag")
        fields = {k: v for k, v in msgspec.structs.asdict(data).items() if k != "agency_id"}
        fields["goals"] = [g.goal() for g in data.goals]
        fields["time_zone"] = data.time_zone or default_time_zone(data.jurisdiction)
        terms = payment_terms(data.jurisdiction)
        fields["prompt_payment_days"] = data.prompt_payment_days or terms.days
        if data.late_interest_annual_rate is None:
            fields["late_interest_annual_rate"] = terms.annual_rate
        command = RegisterAgency(agency_id=agency_id, **fields)
        outcome = await executor.execute(AGENCY, agency_id, command, actor, command_id=scoped_command_id(idempotency_key, actor.sub, "agencies.register"))
        return _out(outcome.state, outcome.version)

    @get("/{agency_id:str}", summary="Read an agency", guards=[requires(
        "admin", "buyer", "finance", "auditor", "evaluator")], responses=error_responses(401, 403, 404))
    async def read(self, executor: Executor, actor: Actor, agency_id: str) -> AgencyOut:
        # an agency's staff read their own agency; oversight reads every one. Another
        # agency's staff get the same 404 as for an agency that does not exist.
        mine = actor.role in ("admin", "auditor") or actor.agency == agency_id
        state, version = await executor.load(AGENCY, agency_id)
        if not state.exists or not mine:
            raise NotFound(f"agency {agency_id} not found")
        return _out(state, version)

    @put("/{agency_id:str}/goals", guards=[requires("admin")], summary="Set diversity goals",
         responses=error_responses(401, 403, 404, 422))
    async def set_goals(self, executor: Executor, actor: Actor, agency_id: str, data: GoalsIn,
                        idempotency_key: IdempotencyKey = None) -> AgencyOut:
        outcome = await executor.execute(AGENCY, agency_id, SetGoals(goals=[g.goal() for g in data.goals]), actor,
                                               command_id=scoped_command_id(idempotency_key, actor.sub, "agencies.goals"))
        return _out(outcome.state, outcome.version)
