"""HTTP for bids. The edge reads the solicitation's facts and the vendor's standing,
seals the content, and hands the command on; reads are role-aware and never reveal a
bid (or that it exists) to anyone but its vendor before the opening."""

from __future__ import annotations

import msgspec
from asyncpg import Pool
from litestar import Controller, get, post, put

from events.bids import CriterionResponse
from infra.clock import Clock
from infra.eventstore import EventStore
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.common import AsOf, IdempotencyKey, as_of_instant, scoped_command_id
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import NotFound, NotYetVisible
from services.awards.facts import evaluator_cleared
from services.bids.commands import (
    AcknowledgeAddendum,
    BidContent,
    ReplaceBid,
    SubmitBid,
    WithdrawBid,
)
from services.bids.decider import BID, Bid, bid_id_for
from services.bids.facts import unsealing_settled
from services.bids.readmodel import vendor_facts
from services.bids.schemas import AcknowledgeIn, BidIn, BidOut, BidReplaceIn
from services.bids.sealing import BidVault
from services.documents.facts import attached_to
from services.solicitations.facts import (
    SolicitationFacts,
    solicitation_facts,
    solicitation_facts_as_of,
)
from services.vendors.facts import acting_vendor, is_vendor_user


def _content(data: BidIn | BidReplaceIn) -> BidContent:
    return BidContent(
        price=data.price.money(),
        responses=[CriterionResponse(criterion_id=r.criterion_id, text=r.text) for r in data.responses],
        documents=[d.ref() for d in data.documents],
        attestations=data.attestations,
        unit_prices=[p.line() for p in data.unit_prices],
    )


def _out(bid: Bid, facts: SolicitationFacts, version: int, content: BidContent | None) -> BidOut:
    return BidOut(
        id=bid.bid_id, solicitation_id=bid.solicitation_id, vendor_id=bid.vendor_id, status=bid.status,
        received_at=bid.received_at, acknowledged_addendum=bid.acknowledged_addendum,
        latest_addendum=facts.latest_addendum, counts=bid.acknowledged_addendum >= facts.latest_addendum,
        sealed=bid.unsealed is None,
        price=content.price if content else None,
        responses=list(content.responses) if content else [],
        documents=list(content.documents) if content else [],
        attestations=content.attestations if content else None,
        unit_prices=list(content.unit_prices) if content else [],
        version=version,
    )


def _owner_content(vault: BidVault, bid: Bid) -> BidContent:
    return vault.unseal(bid.sealed, bid_id=bid.bid_id, solicitation_id=bid.solicitation_id,
                                   vendor_id=bid.vendor_id)


def _seal(vault: BidVault, content: BidContent, bid_id: str, solicitation_id: str,
          vendor_id: str) -> str:
    return vault.seal(content, bid_id=bid_id, solicitation_id=solicitation_id, vendor_id=vendor_id)


async def _solicitation(pool: Pool, solicitation_id: str) -> SolicitationFacts:
    async with pool.acquire() as conn:
        return await solicitation_facts(conn, solicitation_id)


_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


class SolicitationBidsController(Controller):
    path = "/solicitations/{solicitation_id:str}/bids"
    tags = ["bids"]

    @post(guards=[requires("vendor")], summary="Submit a sealed bid (until the submission deadline)",
          responses=_WRITE_ERRORS)
    async def submit(self, executor: Executor, pool: Pool, clock: Clock,
                     vault: BidVault, actor: Actor, solicitation_id: str, data: BidIn,
                     idempotency_key: IdempotencyKey = None) -> BidOut:
        facts = await _solicitation(pool, solicitation_id)
        if not facts.exists or facts.status == "draft":
            raise NotFound(f"solicitation {solicitation_id} not found")
        vendor_id = await acting_vendor(pool, actor, data.vendor_id)
        vendor = await vendor_facts(pool, vendor_id, clock.now(), facts)
        bid_id = bid_id_for(solicitation_id, vendor_id)
        content = _content(data)
        command = SubmitBid(facts=facts, bid_id=bid_id, solicitation_id=solicitation_id, vendor=vendor,
                            content=content, sealed=_seal(vault, content, bid_id, solicitation_id, vendor_id),
                            acknowledged_addendum=data.acknowledged_addendum)
        outcome = await executor.execute(
            BID, bid_id, command, actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "bids.submit"))
        return _out(outcome.state, facts, outcome.version, _owner_content(vault, outcome.state))


async def _own_bid(executor: Executor, pool: Pool, actor: Actor, bid_id: str) -> tuple[Bid, SolicitationFacts]:
    bid, _ = await executor.load(BID, bid_id)
    if not bid.exists or not await is_vendor_user(pool, actor, bid.vendor_id):
        raise NotFound(f"bid {bid_id} not found")
    return bid, await _solicitation(pool, bid.solicitation_id)


async def _may_read_opened(executor: Executor, actor: Actor, facts: SolicitationFacts) -> bool:
    """Once the solicitation is opened: oversight, the agency's buyers, and evaluators
    appointed to it who declared no conflict of interest."""
    if actor.role in ("admin", "auditor"):
        return True
    if actor.agency != facts.agency_id:
        return False
    if actor.role == "evaluator":
        return await evaluator_cleared(executor, facts.solicitation_id, actor)
    return actor.role == "buyer"


class BidController(Controller):
    path = "/bids"
    tags = ["bids"]

    @put("/{bid_id:str}", guards=[requires("vendor")], summary="Replace your bid (until the deadline)",
         responses=_WRITE_ERRORS)
    async def replace(self, executor: Executor, pool: Pool, clock: Clock,
                      vault: BidVault, actor: Actor, bid_id: str, data: BidReplaceIn,
                      idempotency_key: IdempotencyKey = None) -> BidOut:
        bid, facts = await _own_bid(executor, pool, actor, bid_id)
        vendor = await vendor_facts(pool, bid.vendor_id, clock.now(), facts)
        content = _content(data)
        command = ReplaceBid(facts=facts, vendor=vendor, content=content,
                             sealed=_seal(vault, content, bid_id, bid.solicitation_id, bid.vendor_id),
                             acknowledged_addendum=data.acknowledged_addendum)
        outcome = await executor.execute(
            BID, bid_id, command, actor, command_id=scoped_command_id(idempotency_key, actor.sub, "bids.replace"))
        return _out(outcome.state, facts, outcome.version, _owner_content(vault, outcome.state))

    @post("/{bid_id:str}/withdraw", guards=[requires("vendor")], status_code=200,
          summary="Withdraw your bid (until the deadline)", responses=_WRITE_ERRORS)
    async def withdraw(self, executor: Executor, pool: Pool, clock: Clock,
                       actor: Actor, bid_id: str,
                       idempotency_key: IdempotencyKey = None) -> BidOut:
        bid, facts = await _own_bid(executor, pool, actor, bid_id)
        vendor = await vendor_facts(pool, bid.vendor_id, clock.now(), facts)
        outcome = await executor.execute(
            BID, bid_id, WithdrawBid(facts=facts, vendor=vendor), actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "bids.withdraw"))
        return _out(outcome.state, facts, outcome.version, None)

    @post("/{bid_id:str}/acknowledge-addendum", guards=[requires("vendor")], status_code=200,
          summary="Acknowledge the latest addendum so that the bid counts", responses=_WRITE_ERRORS)
    async def acknowledge(self, executor: Executor, pool: Pool, clock: Clock,
                          vault: BidVault, actor: Actor, bid_id: str, data: AcknowledgeIn,
                          idempotency_key: IdempotencyKey = None) -> BidOut:
        bid, facts = await _own_bid(executor, pool, actor, bid_id)
        vendor = await vendor_facts(pool, bid.vendor_id, clock.now(), facts)
        outcome = await executor.execute(
            BID, bid_id, AcknowledgeAddendum(facts=facts, vendor=vendor, number=data.number), actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "bids.acknowledge"))
        return _out(outcome.state, facts, outcome.version, _owner_content(vault, outcome.state))

    @get("/{bid_id:str}", guards=[requires("vendor", "buyer", "evaluator", "auditor", "admin")],
         summary="Read a bid: its vendor at any time; agency staff after the opening",
         responses=error_responses(401, 403, 404, 409, 422))
    async def read(self, executor: Executor, pool: Pool, store: EventStore, vault: BidVault,
                   actor: Actor, bid_id: str, as_of: AsOf = None) -> BidOut:
        # As of a moment, the bid and its solicitation as they stood then: a bid sealed
        # then (no opening yet) is sealed in the answer.
        at = as_of_instant(as_of)
        bid, version = await executor.load(BID, bid_id, as_of=at)
        missing = NotFound(f"bid {bid_id} not found")
        if not bid.exists:
            raise missing
        if at is None:
            facts = await _solicitation(pool, bid.solicitation_id)
        else:
            facts = await solicitation_facts_as_of(store, bid.solicitation_id, at)
        if await is_vendor_user(pool, actor, bid.vendor_id):
            content = None if bid.status == "withdrawn" else _owner_content(vault, bid)
            return msgspec.structs.replace(_out(bid, facts, version, content),
                                           attachments=await attached_to(pool, "bid", bid_id))
        # Before the opening the bid is sealed: say nothing, not even that it exists.
        if facts.opened_at is None or not await _may_read_opened(executor, actor, facts):
            raise missing
        if bid.unsealed is None:
            if at is not None:  # as it stood then: not unsealed yet
                raise missing
            # opened: a bid active at the opening is unsealed by a reactor a moment later
            settled = await unsealing_settled(pool)
            bid, version = await executor.load(BID, bid_id)
            if bid.unsealed is None:
                raise missing if settled else NotYetVisible(
                    f"bid {bid_id} is being unsealed; retry shortly")
        unsealed = bid.unsealed
        content = BidContent(price=unsealed.price, responses=unsealed.responses, documents=unsealed.documents,
                             attestations=unsealed.attestations, unit_prices=unsealed.unit_prices)
        # a withdrawn bid is never unsealed, so its documents never reach this line
        return msgspec.structs.replace(_out(bid, facts, version, content),
                                       attachments=await attached_to(pool, "bid", bid_id))
