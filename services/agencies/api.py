"""HTTP for agencies: parse, build a command, hand it to the executor."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post, put

from infra.executor import Executor
from infra.http.auth import requires
from infra.http.common import IdempotencyKey, id_for_command, scoped_command_id
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import NotFound
from services.agencies.commands import RegisterAgency, SetGoals
from services.agencies.decider import AGENCY, Agency
from services.agencies.schemas import AgencyIn, AgencyOut, GoalsIn
from services.solicitations.facts import default_time_zone, payment_terms, rule_pack_of


def _out(state: Agency, version: int) -> AgencyOut:
    return AgencyOut(
        id=state.agency_id,
        name=state.name,
        jurisdiction=state.jurisdiction,
        goals=list(state.goals),
        prompt_payment_days=state.prompt_payment_days,
        late_interest_annual_rate=state.late_interest_annual_rate,
        interest_rate_agreed=state.interest_rate_agreed,
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
        command_id = scoped_command_id(idempotency_key, actor.sub, "agencies.register")
        agency_id = data.agency_id or id_for_command("ag", command_id)
        fields = {k: v for k, v in msgspec.structs.asdict(data).items() if k != "agency_id"}
        fields["goals"] = [g.goal() for g in data.goals]
        fields["time_zone"] = data.time_zone or default_time_zone(data.jurisdiction)
        terms = payment_terms(data.jurisdiction)
        fields["prompt_payment_days"] = data.prompt_payment_days or terms.days
        if data.late_interest_annual_rate is None:
            fields["late_interest_annual_rate"] = terms.annual_rate
        # without a rate of its own, the agency pays the statutory rate of its pack where on file
        fields["interest_rate_agreed"] = data.late_interest_annual_rate is not None
        command = RegisterAgency(agency_id=agency_id, **fields)
        outcome = await executor.execute(AGENCY, agency_id, command, actor, command_id=command_id)
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
