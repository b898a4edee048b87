"""HTTP for contracts: read, sign, amend, rate, respond, complete, terminate."""

from __future__ import annotations

from typing import Annotated, Literal

from asyncpg import Pool
from litestar import Controller, get, post
from litestar.params import Parameter

from events.base import Money
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.bodies import money_or_none
from infra.http.common import AsOf, IdempotencyKey, as_of_instant, id_for_command, scoped_command_id
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import Forbidden
from kernel.limits import INT32_MAX, MAX_OFFSET
from services.contracts.commands import (
    ApproveModification,
    CompleteContract,
    ModifyContract,
    RatePerformance,
    RejectModification,
    RespondToRating,
    SignContract,
    TerminateContract,
)
from services.contracts.decider import CONTRACT
from services.contracts.readmodel import list_contracts
from services.contracts.schemas import (
    ApprovalIn,
    CompleteIn,
    ContractOut,
    ContractSummary,
    EndIn,
    ModificationIn,
    RatingIn,
    RatingOut,
    ResponseIn,
    contract_out,
    rating_out,
    require_access,
    with_documents,
)
from services.documents.facts import attached_to, attached_to_each
from services.vendors.facts import acting_for, vendors_of


async def _as_party(executor: Executor, pool: Pool, actor: Actor, contract_id: str) -> Actor:
    """The caller, as a user of the contracted vendor when they are one."""
    state, _ = await executor.load_existing(CONTRACT, contract_id, "contract")
    assert state.opened is not None
    async with pool.acquire() as conn:
        return await acting_for(conn, actor, [state.opened.vendor_id])


def _command_id(key: str | None, actor: Actor, route: str) -> str | None:
    return scoped_command_id(key, actor.sub, f"contracts.{route}")


_PARTIES = ("buyer", "finance", "vendor", "admin", "auditor")


class ContractController(Controller):
    path = "/contracts"
    tags = ["contracts"]

    async def _run(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str,
                   command: object,
                   key: str | None, route: str) -> ContractOut:
        actor = await _as_party(executor, pool, actor, contract_id)
        outcome = await executor.execute_retrying(CONTRACT, contract_id, command, actor,
                                               command_id=_command_id(key, actor, route))
        return contract_out(outcome.state, outcome.version, actor)

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
