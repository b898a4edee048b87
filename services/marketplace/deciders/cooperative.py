"""A contract in the marketplace: who participates, and what every order commits against
its ceilings. One stream per contract, so two orders that together pass a ceiling meet on
its version: the second is decided again on the first's spend and refused. Pure."""

from __future__ import annotations

from datetime import datetime

import msgspec

from events.base import Event, Money
from events.marketplace import (
    OrderCommitted,
    OrderReleased,
    ParticipantApproved,
    ParticipationRequested,
)
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from kernel.money import fmt
from services.marketplace.commands import (
    ApproveParticipant,
    CommitOrder,
    ContractTerms,
    CooperativeCommand,
    JoinContract,
    JoiningAgency,
    ReleaseOrder,
)
from services.marketplace.facts import may_use


class Participant(msgspec.Struct, frozen=True, kw_only=True):
    agency_id: str
    status: str  # "pending" | "approved"
    requested_by: str
    requested_at: datetime
    approved_by: str | None = None
    approved_at: datetime | None = None
    note: str = ""


class Commitment(msgspec.Struct, frozen=True, kw_only=True):
    agency_id: str
    amount: Money


class Cooperative(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str = ""
    participants: dict[str, Participant] = {}
    #: order id -> what it commits (released orders are removed)
    orders: dict[str, Commitment] = {}

    @property
    def committed(self) -> int:
        return sum(c.amount.amount for c in self.orders.values())

    def committed_by(self, agency_id: str) -> int:
        return sum(c.amount.amount for c in self.orders.values() if c.agency_id == agency_id)


def eligible(contract: ContractTerms, agency: JoiningAgency) -> bool:
    """Whether the contract's cooperative statement admits the agency (``facts.may_use``)."""
    return may_use(contract.cooperative, agency.agency_id, agency.jurisdiction)


def _require_cooperative(contract: ContractTerms) -> None:
    if contract.cooperative is None:
        raise Conflict(f"contract {contract.contract_id} was not solicited as cooperative: no other agency "
                       "can ever join it", code="not_cooperative")


def _require_active(contract: ContractTerms) -> None:
    if contract.status != "active":
        raise Conflict(f"contract {contract.contract_id} is {contract.status}, not active",
                       code="contract_not_active")


def _join(command: JoinContract, state: Cooperative, ctx: Context) -> list[Event]:
    contract, agency = command.contract, command.agency
    if ctx.actor.role != "buyer" or not ctx.actor.agency or ctx.actor.agency != agency.agency_id:
        raise Forbidden("a buyer joins a contract for their own agency", code="not_agency_buyer")
    _require_cooperative(contract)
    _require_active(contract)
    if agency.agency_id == contract.lead_agency_id:
        raise Conflict("the lead agency orders from its contract without joining it", code="lead_agency")
    if agency.jurisdiction is None:
        raise Forbidden(f"agency {agency.agency_id} is not registered", code="agency_not_registered")
    if not eligible(contract, agency):
        raise Forbidden(f"agency {agency.agency_id} ({agency.jurisdiction}) is not among the public bodies "
                        "the contract's cooperative statement admits", code="not_eligible")
    if agency.agency_id in state.participants:
        raise Conflict(f"agency {agency.agency_id} has already joined this contract", code="already_participant")
    approved = not (contract.cooperative is not None and contract.cooperative.approval_required)
    return [ParticipationRequested(contract_id=contract.contract_id, agency_id=agency.agency_id,
                                   requested_by=ctx.actor.sub, requested_at=ctx.now, approved=approved,
                                   note=command.note.strip())]


def _approve(command: ApproveParticipant, state: Cooperative, ctx: Context) -> list[Event]:
    contract = command.contract
    lead = ctx.actor.role == "buyer" and ctx.actor.agency == contract.lead_agency_id
    if not lead and ctx.actor.role != "admin":
        raise Forbidden("only a buyer of the lead agency approves participants", code="not_lead_agency")
    participant = state.participants.get(command.agency_id)
    if participant is None:
        raise NotFound(f"agency {command.agency_id} has not asked to join this contract")
    if participant.status == "approved":
        raise Conflict(f"agency {command.agency_id} is already approved", code="already_approved")
    return [ParticipantApproved(contract_id=contract.contract_id, agency_id=command.agency_id,
                                approved_by=ctx.actor.sub, approved_at=ctx.now)]


def _ceiling_error(what: str, code: str, ceiling: Money, committed: int, amount: Money) -> Conflict:
    left = Money(amount=max(ceiling.amount - committed, 0), currency=ceiling.currency)
    return Conflict(f"the order of {fmt(amount)} would pass the {what} of {fmt(ceiling)}: {fmt(left)} is left",
                    code=code, details={"ceiling": ceiling.amount, "remaining": left.amount,
                                        "currency": ceiling.currency})


def _commit(command: CommitOrder, state: Cooperative, ctx: Context) -> list[Event]:
    contract, amount = command.contract, command.amount
    if command.order_id in state.orders:
        return []
    _require_active(contract)
    if amount.currency != contract.currency:
        raise field_error("currency", f"the contract is in {contract.currency}", code="currency_mismatch")
    lead = command.agency_id == contract.lead_agency_id
    if not lead:
        _require_cooperative(contract)
        participant = state.participants.get(command.agency_id)
        if participant is None:
            raise Conflict(f"agency {command.agency_id} is not a participant of contract {contract.contract_id}: "
                           "join it first (POST /api/v1/contracts/{id}/participants)", code="not_participant")
        if participant.status != "approved":
            raise Conflict("the lead agency has not approved this agency's participation yet",
                           code="participation_pending")
    total = contract.total_ceiling
    if state.committed + amount.amount > total.amount:
        raise _ceiling_error("contract's total ceiling", "ceiling_exceeded", total, state.committed, amount)
    each = contract.cooperative.participant_ceiling if contract.cooperative else None
    if not lead and each is not None:
        spent = state.committed_by(command.agency_id)
        if spent + amount.amount > each.amount:
            raise _ceiling_error("per-participant ceiling", "participant_ceiling_exceeded", each, spent, amount)
    return [OrderCommitted(contract_id=contract.contract_id, order_id=command.order_id,
                           agency_id=command.agency_id, amount=amount)]


def _release(command: ReleaseOrder, state: Cooperative, ctx: Context) -> list[Event]:
    found = state.orders.get(command.order_id)
    if found is None:
        return []
    return [OrderReleased(contract_id=state.contract_id, order_id=command.order_id, agency_id=found.agency_id,
                          amount=found.amount, reason=command.reason)]


def decide(command: CooperativeCommand, state: Cooperative, ctx: Context) -> list[Event]:
    match command:
        case JoinContract():
            return _join(command, state, ctx)
        case ApproveParticipant():
            return _approve(command, state, ctx)
        case CommitOrder():
            return _commit(command, state, ctx)
        case ReleaseOrder():
            return _release(command, state, ctx)
    raise TypeError(f"unknown command {command!r}")


def evolve(state: Cooperative, event: Event) -> Cooperative:
    replace = msgspec.structs.replace
    match event:
        case ParticipationRequested():
            participant = Participant(agency_id=event.agency_id, status="approved" if event.approved else "pending",
                                      requested_by=event.requested_by, requested_at=event.requested_at,
                                      note=event.note)
            return replace(state, contract_id=event.contract_id,
                           participants={**state.participants, event.agency_id: participant})
        case ParticipantApproved():
            approved = replace(state.participants[event.agency_id], status="approved", approved_by=event.approved_by,
                           approved_at=event.approved_at)
            return replace(state, participants={**state.participants, event.agency_id: approved})
        case OrderCommitted():
            return replace(state, contract_id=event.contract_id, orders={
                **state.orders, event.order_id: Commitment(agency_id=event.agency_id, amount=event.amount)})
        case OrderReleased():
            return replace(state, orders={k: v for k, v in state.orders.items() if k != event.order_id})
    return state


COOPERATIVE = Decider(stream_prefix="cooperative", initial=Cooperative, decide=decide, evolve=evolve)
