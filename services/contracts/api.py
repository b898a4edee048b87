"""HTTP for contracts: read, sign, amend, rate, respond, complete, terminate; phases,
reviews, options, deliverables and the renewal stage."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from asyncpg import Pool
from litestar import Controller, get, post
from litestar.params import Parameter

from events.base import Money
from events.contracts import ContractOption, Kpi, KpiResult
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.bodies import money_or_none
from infra.http.common import AsOf, IdempotencyKey, as_of_instant, id_for_command, scoped_command_id
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import Forbidden, field_error
from kernel.limits import INT32_MAX, MAX_OFFSET
from services.contracts.commands import (
    AddDeliverables,
    AddPhase,
    ApproveModification,
    CompleteContract,
    DecideSubmission,
    ExerciseOption,
    JustifyReview,
    ModifyContract,
    NewDeliverable,
    RatePerformance,
    RejectModification,
    RespondToRating,
    ReviewPhase,
    SetRenewalStage,
    SignContract,
    SubmitDeliverable,
    TerminateContract,
)
from services.contracts.decider import CONTRACT
from services.contracts.readmodel import list_contracts
from services.contracts.schemas import (
    ApprovalIn,
    CompleteIn,
    ContractOut,
    ContractSummary,
    DecisionIn,
    DeliverableIn,
    DeliverableList,
    EndIn,
    ExerciseIn,
    JustificationIn,
    ModificationIn,
    PhaseIn,
    PhaseOut,
    RatingIn,
    RatingOut,
    RenewalStageIn,
    ResponseIn,
    ReviewIn,
    ReviewOut,
    SubmissionIn,
    SubmissionOut,
    contract_out,
    deliverable_out,
    phase_out,
    rating_out,
    require_access,
    review_out,
    submission_out,
    with_documents,
)
from services.documents.facts import attached_among, attached_to, attached_to_each
from services.solicitations.facts import ai_system_criteria
from services.vendors.facts import acting_for, vendors_of


async def _as_party(executor: Executor, pool: Pool, actor: Actor, contract_id: str) -> Actor:
    """The caller, as a user of the contracted vendor when they are one."""
    state, _ = await executor.load_existing(CONTRACT, contract_id, "contract")
    assert state.opened is not None
    async with pool.acquire() as conn:
        return await acting_for(conn, actor, [state.opened.vendor_id])


def _command_id(key: str | None, actor: Actor, route: str) -> str | None:
    return scoped_command_id(key, actor.sub, f"contracts.{route}")


async def _run(executor: Executor, pool: Pool, actor: Actor, contract_id: str, command: object,
               key: str | None, route: str) -> ContractOut:
    """Run a command on the contract as the party the caller is; the contract as they see it."""
    actor = await _as_party(executor, pool, actor, contract_id)
    outcome = await executor.execute_retrying(CONTRACT, contract_id, command, actor,
                                              command_id=_command_id(key, actor, route))
    return contract_out(outcome.state, outcome.version, actor)


_PARTIES = ("buyer", "finance", "vendor", "admin", "auditor")


class ContractController(Controller):
    path = "/contracts"
    tags = ["contracts"]

    async def _run(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str,
                   command: object,
                   key: str | None, route: str) -> ContractOut:
        return await _run(executor, pool, actor, contract_id, command, key, route)

    @get(guards=[requires(*_PARTIES)], summary="List contracts",
         description="Vendors see their own contracts, buyers and finance their agency's; "
         "admins and auditors may filter by agency or vendor.",
         responses=error_responses(401, 403, 422))
    async def index(
        self, pool: Pool, actor: Actor,
        agency_id: str | None = None, vendor_id: str | None = None, award_id: str | None = None,
        status: Literal["pending", "active", "completed", "terminated"] | None = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        offset: Annotated[int, Parameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> list[ContractSummary]:
        vendor_ids = [vendor_id] if vendor_id is not None else None
        if actor.role == "vendor":
            async with pool.acquire() as conn:
                mine = sorted(await vendors_of(conn, actor))
            if vendor_id is not None and vendor_id not in mine:
                raise Forbidden("vendors see their own contracts", code="not_a_party")
            vendor_ids = vendor_ids or mine
        elif actor.role in ("buyer", "finance"):
            if agency_id not in (None, actor.agency):
                raise Forbidden("buyers see their agency's contracts", code="not_a_party")
            agency_id = actor.agency or ""
        async with pool.acquire() as conn:
            rows = await list_contracts(conn, agency_id=agency_id, vendor_ids=vendor_ids,
                                        award_id=award_id, status=status, limit=limit, offset=offset)
        documents = await attached_to_each(pool, "contract", [r["contract_id"] for r in rows])
        return [ContractSummary(
            id=r["contract_id"], contract_id=r["contract_id"], award_id=r["award_id"],
            solicitation_id=r["solicitation_id"],
            agency_id=r["agency_id"], vendor_id=r["vendor_id"],
            value=Money(amount=r["value_amount"], currency=r["currency"]),
            start_date=r["start_date"], end_date=r["end_date"], status=r["status"],
            attachments=documents[r["contract_id"]]) for r in rows]

    @get("/{contract_id:str}", guards=[requires(*_PARTIES)], summary="Read a contract",
         responses=error_responses(401, 403, 404, 422))
    async def read(self, executor: Executor, pool: Pool, actor: Actor,
                   contract_id: str, as_of: AsOf = None) -> ContractOut:
        actor = await _as_party(executor, pool, actor, contract_id)
        when = as_of_instant(as_of)
        state, version = await executor.load_existing(CONTRACT, contract_id, "contract", as_of=when)
        documents = await attached_to(pool, "contract", contract_id)
        return with_documents(contract_out(state, version, actor),
                              [d for d in documents if when is None or d.attached_at <= when])

    @post("/{contract_id:str}/sign", guards=[requires("buyer", "vendor")], status_code=200,
          summary="Sign as the buyer or the vendor; with both signatures the contract is active",
          responses=error_responses(401, 403, 404, 409))
    async def sign(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str,
                   idempotency_key: IdempotencyKey = None) -> ContractOut:
        return await self._run(executor, pool, actor, contract_id, SignContract(), idempotency_key, "sign")

    @post("/{contract_id:str}/modifications", guards=[requires("buyer", "admin")],
          summary="Amend value or end date (numbered, with reason)",
          description="An amendment moving the value by more than the contract's approval share "
          "of the original value waits for an admin's approval.",
          responses=error_responses(401, 403, 404, 409, 422))
    async def modify(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str,
                     data: ModificationIn,
                     idempotency_key: IdempotencyKey = None) -> ContractOut:
        command = ModifyContract(kind=data.kind, reason=data.reason, value=money_or_none(data.value),
                                 end_date=data.end_date)
        return await self._run(executor, pool, actor, contract_id, command, idempotency_key, "modify")

    @post("/{contract_id:str}/modifications/{number:int}/approval", guards=[requires("admin")],
          status_code=200, summary="Approve or reject an amendment awaiting approval",
          responses=error_responses(401, 403, 404, 409, 422))
    async def approve(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str,
                      number: Annotated[int, Parameter(ge=1, le=INT32_MAX)],
                      data: ApprovalIn, idempotency_key: IdempotencyKey = None) -> ContractOut:
        command = (ApproveModification(number=number) if data.approve
                   else RejectModification(number=number, reason=data.reason))
        return await self._run(executor, pool, actor, contract_id, command, idempotency_key, "approval")

    @post("/{contract_id:str}/performance-ratings", guards=[requires("buyer")],
          summary="Rate the vendor's performance (1-5 each); the vendor sees it and may respond",
          responses=error_responses(401, 403, 404, 409, 422))
    async def rate(self, executor: Executor, actor: Actor, contract_id: str, data: RatingIn,
                   idempotency_key: IdempotencyKey = None) -> RatingOut:
        command_id = _command_id(idempotency_key, actor, "rate")
        rating_id = id_for_command("rt", command_id)
        await executor.load_existing(CONTRACT, contract_id, "contract")
        outcome = await executor.execute_retrying(
            CONTRACT, contract_id,
            RatePerformance(rating_id=rating_id, quality=data.quality, timeliness=data.timeliness,
                            cost_control=data.cost_control, communication=data.communication,
                            comment=data.comment), actor, command_id=command_id)
        return rating_out(outcome.state.ratings[rating_id])

    @post("/{contract_id:str}/performance-ratings/{rating_id:str}/response",
          guards=[requires("vendor")], summary="The vendor's response to a performance rating",
          responses=error_responses(401, 403, 404, 409, 422))
    async def respond(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str,
                      rating_id: str,
                      data: ResponseIn, idempotency_key: IdempotencyKey = None) -> RatingOut:
        actor = await _as_party(executor, pool, actor, contract_id)
        outcome = await executor.execute_retrying(
            CONTRACT, contract_id, RespondToRating(rating_id=rating_id, response=data.response),
            actor, command_id=_command_id(idempotency_key, actor, "respond"))
        require_access(outcome.state, actor)
        return rating_out(outcome.state.ratings[rating_id])

    @post("/{contract_id:str}/complete", guards=[requires("buyer", "admin")], status_code=200,
          summary="Record that an active contract was completed",
          responses=error_responses(401, 403, 404, 409, 422))
    async def complete(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str,
                       data: CompleteIn | None = None,
                       idempotency_key: IdempotencyKey = None) -> ContractOut:
        command = CompleteContract(reason=data.reason if data else "")
        return await self._run(executor, pool, actor, contract_id, command, idempotency_key, "complete")

    @post("/{contract_id:str}/terminate", guards=[requires("buyer", "admin")], status_code=200,
          summary="Terminate a pending or active contract, with the reason",
          responses=error_responses(401, 403, 404, 409, 422))
    async def terminate(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str,
                        data: EndIn,
                        idempotency_key: IdempotencyKey = None) -> ContractOut:
        return await self._run(executor, pool, actor, contract_id, TerminateContract(reason=data.reason),
                               idempotency_key, "terminate")


async def _contract_documents(executor: Executor, contract_id: str, cited: list[str]) -> frozenset[str]:
    """Those of the documents a command cites that are attached to the contract."""
    return await attached_among(executor, "contract", contract_id, cited)


class ContractPhasesController(Controller):
    """Phases and their reviews, options, deliverables and the renewal stage of a contract.
    The contracting agency's buyers decide, the vendor submits, auditors read (GET
    /contracts/{id})."""

    path = "/contracts/{contract_id:str}"
    tags = ["contracts"]

    @post("/phases", guards=[requires("buyer")],
          summary="Add a phase: a pilot, or a scale-up after another phase, with its KPIs and options",
          description="Dates fall inside the contract term; the budget fits the contract's value; "
          "each option's exercise deadline comes after the phase ends. A reminder is recorded "
          "before each deadline, and an option not exercised by it lapses.",
          responses=error_responses(401, 403, 404, 409, 422))
    async def add_phase(self, executor: Executor, actor: Actor, contract_id: str, data: PhaseIn,
                        idempotency_key: IdempotencyKey = None) -> PhaseOut:
        command_id = _command_id(idempotency_key, actor, "phase")
        phase_id = id_for_command("ph", command_id)
        command = AddPhase(
            phase_id=phase_id, kind=data.kind, name=data.name, budget=data.budget.money(),
            start_date=data.start_date, end_date=data.end_date, follows=data.follows,
            kpis=tuple(Kpi(name=k.name.strip(), unit=k.unit, target=k.target, measurement=k.measurement.strip())
                       for k in data.kpis),
            options=tuple(ContractOption(
                option_id=id_for_command("op", f"{phase_id}:{i}"), kind=o.kind, description=o.description.strip(),
                added_value=o.added_value.money(), exercise_deadline=o.exercise_deadline, extend_to=o.extend_to,
                quantity=o.quantity) for i, o in enumerate(data.options)))
        await executor.load_existing(CONTRACT, contract_id, "contract")
        outcome = await executor.execute_retrying(CONTRACT, contract_id, command, actor, command_id=command_id)
        return phase_out(outcome.state, outcome.state.phases[phase_id])

    @post("/phases/{phase_id:str}/reviews", guards=[requires("buyer")],
          summary="Review an ended phase: each KPI's measured value, met or not, and evidence documents",
          description="A phase is reviewed once, after its end date (409 before). Evidence is "
          "documents attached to the contract. A review that did not meet every KPI blocks "
          "what follows the phase until an approver justifies going on.",
          responses=error_responses(401, 403, 404, 409, 422))
    async def review(self, executor: Executor, actor: Actor, contract_id: str, phase_id: str,
                     data: ReviewIn, idempotency_key: IdempotencyKey = None) -> ReviewOut:
        command_id = _command_id(idempotency_key, actor, "review")
        await executor.load_existing(CONTRACT, contract_id, "contract")
        command = ReviewPhase(
            phase_id=phase_id, review_id=id_for_command("rv", command_id), summary=data.summary,
            results=tuple(KpiResult(kpi=r.kpi, measured=r.measured, met=r.met, evidence=tuple(r.evidence))
                          for r in data.results),
            contract_documents=await _contract_documents(
                executor, contract_id, [d for r in data.results for d in r.evidence]))
        outcome = await executor.execute_retrying(CONTRACT, contract_id, command, actor, command_id=command_id)
        found = review_out(outcome.state.phases[phase_id])
        assert found is not None
        return found

    @post("/phases/{phase_id:str}/reviews/{review_id:str}/justification", guards=[requires("admin")],
          summary="An approver's justification to scale up after a review that did not meet its KPIs",
          responses=error_responses(401, 403, 404, 409, 422))
    async def justify(self, executor: Executor, actor: Actor, contract_id: str, phase_id: str, review_id: str,
                      data: JustificationIn, idempotency_key: IdempotencyKey = None) -> ReviewOut:
        await executor.load_existing(CONTRACT, contract_id, "contract")
        outcome = await executor.execute_retrying(
            CONTRACT, contract_id, JustifyReview(phase_id=phase_id, review_id=review_id,
                                                 justification=data.justification),
            actor, command_id=_command_id(idempotency_key, actor, "justify"))
        found = review_out(outcome.state.phases[phase_id])
        assert found is not None
        return found

    @post("/options/{option_id:str}/exercise", guards=[requires("buyer", "admin")], status_code=200,
          summary="Exercise an option: an amendment of the contract's value and term",
          description="Only before the exercise deadline and after a passing (or justified) "
          "review of the phase before. Beyond the approval share the amendment waits for an "
          "admin, as any amendment does; rejected, the option is open again until its deadline.",
          responses=error_responses(401, 403, 404, 409, 422))
    async def exercise(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str, option_id: str,
                       data: ExerciseIn | None = None, idempotency_key: IdempotencyKey = None) -> ContractOut:
        return await _run(executor, pool, actor, contract_id,
                          ExerciseOption(option_id=option_id, reason=data.reason if data else ""),
                          idempotency_key, "exercise")

    @post("/deliverables", guards=[requires("buyer")],
          summary="Add a deliverable with due dates or a schedule (monthly, quarterly, annual)",
          description="With `from_criteria`, one deliverable for each AI-system criterion of the "
          "library that the solicitation evaluated bids on, all with the dates given. Every "
          "due date falls inside the contract term; a due date passing with nothing accepted "
          "or awaiting a decision raises an overdue notice.",
          responses=error_responses(401, 403, 404, 409, 422))
    async def add_deliverables(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str,
                               data: DeliverableIn, idempotency_key: IdempotencyKey = None) -> DeliverableList:
        command_id = _command_id(idempotency_key, actor, "deliverables")
        state, _ = await executor.load_existing(CONTRACT, contract_id, "contract")
        assert state.opened is not None
        # the dates every deliverable of the request shares
        dated = NewDeliverable(deliverable_id="", title="", schedule=data.schedule, first_due=data.first_due,
                               due_dates=tuple(data.due_dates) if data.due_dates is not None else None)
        if data.from_criteria:
            require_access(state, actor)
            async with pool.acquire() as conn:
                criteria = await ai_system_criteria(conn, state.opened.solicitation_id)
            if not criteria:
                raise field_error("from_criteria", "the solicitation evaluated bids on no AI-system criterion")
            items = tuple(msgspec.structs.replace(
                dated, deliverable_id=id_for_command("dl", f"{command_id}:{c.criterion_id}" if command_id else None),
                title=c.name, description=c.description, criterion_id=c.criterion_id) for c in criteria)
        else:
            if not data.title.strip():
                raise field_error("title", "is required (or set from_criteria)")
            items = (msgspec.structs.replace(dated, deliverable_id=id_for_command("dl", command_id),
                                             title=data.title, description=data.description),)
        outcome = await executor.execute_retrying(CONTRACT, contract_id, AddDeliverables(items=items), actor,
                                                  command_id=command_id)
        return DeliverableList(items=[deliverable_out(outcome.state.deliverables[i.deliverable_id])
                                      for i in items])

    @post("/deliverables/{deliverable_id:str}/submissions", guards=[requires("vendor")],
          summary="The vendor submits a deliverable: a document attached to the contract and a short statement",
          responses=error_responses(401, 403, 404, 409, 422))
    async def submit(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str, deliverable_id: str,
                     data: SubmissionIn, idempotency_key: IdempotencyKey = None) -> SubmissionOut:
        actor = await _as_party(executor, pool, actor, contract_id)
        command_id = _command_id(idempotency_key, actor, "submit")
        submission_id = id_for_command("sb", command_id)
        command = SubmitDeliverable(
            deliverable_id=deliverable_id, submission_id=submission_id, document_id=data.document_id,
            statement=data.statement, due_date=data.due_date,
            contract_documents=await _contract_documents(executor, contract_id, [data.document_id]))
        outcome = await executor.execute_retrying(CONTRACT, contract_id, command, actor, command_id=command_id)
        return submission_out(outcome.state.deliverables[deliverable_id].submissions[submission_id])

    @post("/deliverables/{deliverable_id:str}/submissions/{submission_id:str}/decision",
          guards=[requires("buyer")], status_code=200,
          summary="The buyer accepts or rejects a submission (a rejection states its reason)",
          responses=error_responses(401, 403, 404, 409, 422))
    async def decide(self, executor: Executor, actor: Actor, contract_id: str, deliverable_id: str,
                     submission_id: str, data: DecisionIn,
                     idempotency_key: IdempotencyKey = None) -> SubmissionOut:
        await executor.load_existing(CONTRACT, contract_id, "contract")
        command = DecideSubmission(deliverable_id=deliverable_id, submission_id=submission_id,
                                   accept=data.decision == "accept", reason=data.reason)
        outcome = await executor.execute_retrying(CONTRACT, contract_id, command, actor,
                                                  command_id=_command_id(idempotency_key, actor, "decide"))
        return submission_out(outcome.state.deliverables[deliverable_id].submissions[submission_id])

    @post("/renewal-stage", guards=[requires("buyer")], status_code=200,
          summary="Record the contract's renewal stage: plan, exercise option, re-compete or let lapse",
          description="Each change is an event with its time; `exercise_option` needs an option "
          "still open. The renewals report reads the stage and how long it has held.",
          responses=error_responses(401, 403, 404, 409, 422))
    async def renewal_stage(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str,
                            data: RenewalStageIn, idempotency_key: IdempotencyKey = None) -> ContractOut:
        return await _run(executor, pool, actor, contract_id, SetRenewalStage(stage=data.stage, note=data.note),
                          idempotency_key, "renewal")
