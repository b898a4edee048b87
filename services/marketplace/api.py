"""HTTP for the marketplace: the public listing of cooperative contracts, joining one, and
purchase orders against a contract's catalog. Each route reads the contract's facts at the
edge, builds a command and hands it to the executor; what it shows depends on the role."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from asyncpg import Pool
from litestar import Controller, get, post
from litestar.params import Parameter

from events.base import Money
from infra.clock import Clock
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.common import IdempotencyKey, id_for_command, scoped_command_id
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import Forbidden, NotFound, field_error
from kernel.limits import NONNEGATIVE_GT
from services.agencies.facts import agency_facts
from services.contracts.facts import contract_facts
from services.marketplace import ordering
from services.marketplace.commands import (
    AcceptOrder,
    ApproveParticipant,
    CancelOrder,
    CompetitionChoice,
    CompetitionRule,
    ContractTerms,
    InvitedContract,
    JoinContract,
    JoiningAgency,
    LineRequest,
    PlaceOrder,
    RecordReceipt,
    RejectOrder,
    RequestQuotes,
    SubmitQuote,
)
from services.marketplace.competition import rule_row
from services.marketplace.deciders.cooperative import COOPERATIVE
from services.marketplace.deciders.purchase_order import PURCHASE_ORDER, PurchaseOrder
from services.marketplace.deciders.quote_request import QUOTE_REQUEST, QuoteRequest
from services.marketplace.readmodel.listing import SearchFilters, search_contracts
from services.marketplace.readmodel.orders import OrderFilters, list_orders, recent_orders
from services.marketplace.schemas import (
    CompetitionIn,
    EligibilityOut,
    JoinIn,
    MarketplaceContractOut,
    MarketplacePage,
    MarketplaceSummary,
    OrderStatus,
    ParticipantOut,
    ParticipantsOut,
    PurchaseOrderIn,
    PurchaseOrderOut,
    PurchaseOrderPage,
    PurchaseOrderSummary,
    QuoteIn,
    QuoteRequestIn,
    QuoteRequestOut,
    ReasonIn,
    ReceiptIn,
    order_out,
    participants_out,
    quote_request_out,
    share_left,
)
from services.solicitations.facts import rule_pack_of, splitting_rule, threshold_of
from services.vendors.facts import vendors_of

_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)
#: an optional id filter (the constraints sit on the optional type, so Litestar checks them)
_OptionalId = Annotated[str | None, Parameter(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
OVERSIGHT = ("admin", "auditor")


async def contract_terms(executor: Executor, contract_id: str) -> ContractTerms:
    facts = await contract_facts(executor, contract_id)
    if facts is None or facts.value is None:
        raise NotFound(f"contract {contract_id} not found")
    return ContractTerms(contract_id=facts.contract_id, agency_id=facts.agency_id, vendor_id=facts.vendor_id,
                         status=facts.status, value=facts.value, end_date=facts.end_date, title=facts.title,
                         catalog=facts.catalog, cooperative=facts.cooperative)


class ParticipantsController(Controller):
    path = "/contracts/{contract_id:str}/participants"
    tags = ["marketplace"]

    @post(guards=[requires("buyer")], responses=_WRITE_ERRORS,
          summary="Join a cooperative contract for your agency (approved at once, or by the lead agency "
          "when the contract requires it); a contract not solicited as cooperative is 409 not_cooperative")
    async def join(self, executor: Executor, pool: Pool, actor: Actor, contract_id: str, data: JoinIn,
                   idempotency_key: IdempotencyKey = None) -> ParticipantOut:
        contract = await contract_terms(executor, contract_id)
        agency_id = actor.agency or ""
        async with pool.acquire() as conn:
            agency = await agency_facts(conn, agency_id) if agency_id else None
        command = JoinContract(contract=contract, agency=JoiningAgency(
            agency_id=agency_id, jurisdiction=agency.jurisdiction if agency else None), note=data.note)
        outcome = await executor.execute(
            COOPERATIVE, contract_id, command, actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "marketplace.join"))
        shown = participants_out(contract_id, contract.lead_agency_id, contract.currency, outcome.state, {agency_id})
        if not shown.participants:
            raise NotFound(f"agency {agency_id} has not joined contract {contract_id}")
        return shown.participants[0]

    @get(guards=[requires("buyer", "finance", "auditor", "admin")], responses=error_responses(401, 403, 404, 422),
         summary="The contract's participants and what each has committed: every one for the lead agency and "
         "oversight, the caller's own agency for a participant")
    async def index(self, executor: Executor, actor: Actor, contract_id: str) -> ParticipantsOut:
        contract = await contract_terms(executor, contract_id)
        state, _ = await executor.load(COOPERATIVE, contract_id)
        shown: set[str] | None
        if actor.role in OVERSIGHT or actor.agency == contract.lead_agency_id:
            shown = None
        elif actor.agency and actor.agency in state.participants:
            shown = {actor.agency}
        else:
            raise Forbidden("participation in a contract is the lead agency's and each participant's own",
                            code="not_lead_agency")
        return participants_out(contract_id, contract.lead_agency_id, contract.currency, state, shown)

    @post("/{agency_id:str}/approve", guards=[requires("buyer", "admin")], status_code=200,
          responses=_WRITE_ERRORS, summary="Approve an agency's participation (a buyer of the lead agency)")
    async def approve(self, executor: Executor, actor: Actor, contract_id: str, agency_id: str,
                      idempotency_key: IdempotencyKey = None) -> ParticipantOut:
        contract = await contract_terms(executor, contract_id)
        outcome = await executor.execute(
            COOPERATIVE, contract_id, ApproveParticipant(contract=contract, agency_id=agency_id), actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "marketplace.approve"))
        [shown] = participants_out(contract_id, contract.lead_agency_id, contract.currency, outcome.state,
                                   {agency_id}).participants
        return shown


def competition_rule(jurisdiction: str, on: date) -> CompetitionRule | None:
    """The competition rule of the agency's pack with its threshold in force on ``on``."""
    pack = rule_pack_of(jurisdiction)
    if pack is None:
        return None
    row = rule_row(pack)
    threshold = threshold_of(jurisdiction, row["threshold"], on)
    if threshold is None:
        return None
    return CompetitionRule(threshold=threshold.amount, threshold_citation=threshold.citation,
                           min_quotes=int(row["min_quotes"]), citation=row["citation"])


async def _choice(executor: Executor, given: CompetitionIn | None) -> CompetitionChoice:
    if given is None:
        return CompetitionChoice()
    request = None
    if given.quote_request_id is not None:
        state, _ = await executor.load(QUOTE_REQUEST, given.quote_request_id)
        if state.requested is None:
            raise field_error("competition.quote_request_id", "no such request for quotes")
        request = state.facts()
    return CompetitionChoice(quote_request=request, basis=given.basis, justification=given.justification)


async def _may_see(pool: Pool, actor: Actor, state: PurchaseOrder) -> bool:
    placed = state.placed
    if placed is None:
        return False
    if actor.role in OVERSIGHT:
        return True
    if actor.role in ("buyer", "finance"):
        return actor.agency == placed.agency_id
    if actor.role == "vendor":
        async with pool.acquire() as conn:
            return placed.vendor_id in await vendors_of(conn, actor)
    return False


async def _visible(executor: Executor, pool: Pool, actor: Actor, order_id: str) -> tuple[PurchaseOrder, int]:
    """The order and its version, when the caller may see it; 404 otherwise (never
    confirming that it exists)."""
    state, version = await executor.load(PURCHASE_ORDER, order_id)
    if not await _may_see(pool, actor, state):
        raise NotFound(f"purchase order {order_id} not found")
    return state, version


async def _acting_vendors(pool: Pool, actor: Actor) -> frozenset[str]:
    async with pool.acquire() as conn:
        return frozenset(await vendors_of(conn, actor))


_READERS = ("buyer", "finance", "vendor", "auditor", "admin")


class PurchaseOrderController(Controller):
    path = "/purchase-orders"
    tags = ["marketplace"]

    @post(guards=[requires("buyer")], responses=_WRITE_ERRORS,
          summary="Place a purchase order against an active contract's catalog (the lead agency or an approved "
          "participant); priced from the catalog, refused when it would pass a ceiling")
    async def place(self, executor: Executor, pool: Pool, clock: Clock, actor: Actor, data: PurchaseOrderIn,
                    idempotency_key: IdempotencyKey = None) -> PurchaseOrderOut:
        contract = await contract_terms(executor, data.contract_id)
        command_id = scoped_command_id(idempotency_key, actor.sub, "marketplace.place_order")
        order_id = id_for_command("po", command_id)
        now = clock.now()
        async with pool.acquire() as conn:
            agency = await agency_facts(conn, actor.agency) if actor.agency else None
            splitting = splitting_rule(agency.jurisdiction, now.date()) if agency else None
            recent = await recent_orders(conn, actor.agency or "", contract.vendor_id,
                                         now - timedelta(days=splitting.window_days)) if splitting else []
        command = PlaceOrder(
            order_id=order_id, contract=contract,
            lines=[LineRequest(item_id=line.item_id, quantity=line.quantity) for line in data.lines],
            delivery_address=data.delivery_address.address(), requested_delivery=data.requested_delivery,
            currency=data.currency, recent=tuple(recent), splitting=splitting,
            competition=competition_rule(agency.jurisdiction, now.date()) if agency else None,
            choice=await _choice(executor, data.competition))
        outcome = await ordering.place(executor, actor, command, command_id)
        return order_out(outcome.state, outcome.version)

    @get(guards=[requires(*_READERS)], responses=error_responses(401, 403, 422),
         summary="List purchase orders, newest first: buyers and finance see their agency's, vendors their own, "
         "oversight every agency's")
    async def index(
        self, pool: Pool, actor: Actor,
        contract_id: _OptionalId = None, status: OrderStatus | None = None,
        agency: _OptionalId = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Parameter(max_length=500)] = None,
    ) -> PurchaseOrderPage:
        if actor.role in OVERSIGHT and not actor.agency:
            filters = OrderFilters(agency=agency, contract_id=contract_id, status=status)
        elif actor.role == "vendor":
            async with pool.acquire() as conn:
                mine = await vendors_of(conn, actor)
            filters = OrderFilters(vendors=tuple(sorted(mine)), contract_id=contract_id, status=status,
                                   agency=agency)
        else:
            if agency is not None and agency != actor.agency:
                raise Forbidden("you may only list your own agency's purchase orders")
            filters = OrderFilters(agency=actor.agency or "", contract_id=contract_id, status=status)
        async with pool.acquire() as conn:
            rows, next_cursor = await list_orders(conn, filters, limit=limit, after=cursor)
        return PurchaseOrderPage(items=[PurchaseOrderSummary(
            id=r["order_id"], contract_id=r["contract_id"], agency_id=r["agency_id"], vendor_id=r["vendor_id"],
            status=r["status"], total=Money(amount=r["total_amount"], currency=r["currency"]), placed_at=r["placed_at"]) for r in rows], next_cursor=next_cursor, limit=limit)

    @get("/{order_id:str}", guards=[requires(*_READERS)], responses=error_responses(401, 403, 404, 422),
         summary="Read a purchase order: its agency's buyers and finance, the vendor, oversight")
    async def read(self, executor: Executor, pool: Pool, actor: Actor, order_id: str) -> PurchaseOrderOut:
        state, version = await _visible(executor, pool, actor, order_id)
        return order_out(state, version)

    @post("/{order_id:str}/accept", guards=[requires("vendor")], status_code=200, responses=_WRITE_ERRORS,
          summary="Accept a purchase order (the contract's vendor)")
    async def accept(self, executor: Executor, pool: Pool, actor: Actor, order_id: str,
                     idempotency_key: IdempotencyKey = None) -> PurchaseOrderOut:
        await _visible(executor, pool, actor, order_id)
        outcome = await executor.execute(
            PURCHASE_ORDER, order_id, AcceptOrder(acting_vendors=await _acting_vendors(pool, actor)), actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "marketplace.accept_order"))
        return order_out(outcome.state, outcome.version)

    @post("/{order_id:str}/reject", guards=[requires("vendor")], status_code=200, responses=_WRITE_ERRORS,
          summary="Reject a purchase order, with the reason (the contract's vendor); its spend is released")
    async def reject(self, executor: Executor, pool: Pool, actor: Actor, order_id: str, data: ReasonIn,
                     idempotency_key: IdempotencyKey = None) -> PurchaseOrderOut:
        state, _ = await _visible(executor, pool, actor, order_id)
        assert state.placed is not None
        contract = await contract_terms(executor, state.placed.contract_id)
        command = RejectOrder(acting_vendors=await _acting_vendors(pool, actor), reason=data.reason)
        outcome = await ordering.end(executor, actor, order_id, contract, command,
                                     scoped_command_id(idempotency_key, actor.sub, "marketplace.reject_order"))
        return order_out(outcome.state, outcome.version)

    @post("/{order_id:str}/cancel", guards=[requires("buyer")], status_code=200, responses=_WRITE_ERRORS,
          summary="Cancel a purchase order before the vendor accepts it (a buyer of the ordering agency)")
    async def cancel(self, executor: Executor, pool: Pool, actor: Actor, order_id: str, data: ReasonIn,
                     idempotency_key: IdempotencyKey = None) -> PurchaseOrderOut:
        state, _ = await _visible(executor, pool, actor, order_id)
        assert state.placed is not None
        contract = await contract_terms(executor, state.placed.contract_id)
        outcome = await ordering.end(executor, actor, order_id, contract, CancelOrder(reason=data.reason),
                                     scoped_command_id(idempotency_key, actor.sub, "marketplace.cancel_order"))
        return order_out(outcome.state, outcome.version)

    @post("/{order_id:str}/receipts", guards=[requires("buyer")], responses=_WRITE_ERRORS,
          summary="Record a delivery, line by line (a buyer of the ordering agency, once the order is accepted)")
    async def receive(self, executor: Executor, pool: Pool, actor: Actor, order_id: str, data: ReceiptIn,
                      idempotency_key: IdempotencyKey = None) -> PurchaseOrderOut:
        await _visible(executor, pool, actor, order_id)
        command_id = scoped_command_id(idempotency_key, actor.sub, "marketplace.receive")
        command = RecordReceipt(receipt_id=id_for_command("rcpt", command_id), lines=data.received(),
                                received_on=data.received_on)
        outcome = await executor.execute(PURCHASE_ORDER, order_id, command, actor, command_id=command_id)
        return order_out(outcome.state, outcome.version)


class QuoteRequestController(Controller):
    path = "/quote-requests"
    tags = ["marketplace"]

    @post(guards=[requires("buyer")], responses=_WRITE_ERRORS,
          summary="Request quotes for a commodity from holders of contracts your agency may order from (the "
          "competition an order above the micro-purchase threshold needs)")
    async def request(self, executor: Executor, pool: Pool, clock: Clock, actor: Actor, data: QuoteRequestIn,
                      idempotency_key: IdempotencyKey = None) -> QuoteRequestOut:
        invited = []
        for i, contract_id in enumerate(data.contract_ids):
            facts = await contract_facts(executor, contract_id)
            if facts is None:
                raise field_error(f"contract_ids[{i}]", f"contract {contract_id} not found")
            contract = await contract_terms(executor, contract_id)
            state, _ = await executor.load(COOPERATIVE, contract_id)
            participant = state.participants.get(actor.agency or "")
            usable = actor.agency == contract.lead_agency_id or (
                contract.cooperative is not None and participant is not None and participant.status == "approved")
            invited.append(InvitedContract(contract=contract, usable=usable))
        async with pool.acquire() as conn:
            agency = await agency_facts(conn, actor.agency) if actor.agency else None
        pack = rule_pack_of(agency.jurisdiction) if agency else None
        command_id = scoped_command_id(idempotency_key, actor.sub, "marketplace.request_quotes")
        request_id = id_for_command("rfq", command_id)
        command = RequestQuotes(request_id=request_id, commodity_code=data.commodity_code,
                                description=data.description, due_at=data.due_at, invited=invited,
                                min_quotes=int(rule_row(pack or "*")["min_quotes"]))
        outcome = await executor.execute(QUOTE_REQUEST, request_id, command, actor, command_id=command_id)
        return quote_request_out(outcome.state, outcome.version, None)

    @get("/{request_id:str}", guards=[requires("buyer", "finance", "vendor", "auditor", "admin")],
         responses=error_responses(401, 403, 404, 422),
         summary="Read a request for quotes: the requesting agency and oversight with every quote, an invited "
         "vendor with its own")
    async def read(self, executor: Executor, pool: Pool, actor: Actor, request_id: str) -> QuoteRequestOut:
        state, version = await executor.load(QUOTE_REQUEST, request_id)
        shown = await _quote_readers(pool, actor, state)
        return quote_request_out(state, version, shown)

    @post("/{request_id:str}/quotes", guards=[requires("vendor")], responses=_WRITE_ERRORS,
          summary="Quote on a request, for one of your invited contracts (before the due time)")
    async def quote(self, executor: Executor, pool: Pool, actor: Actor, request_id: str, data: QuoteIn,
                    idempotency_key: IdempotencyKey = None) -> QuoteRequestOut:
        state, _ = await executor.load(QUOTE_REQUEST, request_id)
        shown = await _quote_readers(pool, actor, state)
        command = SubmitQuote(contract_id=data.contract_id, amount=data.amount.money(), note=data.note,
                              acting_vendors=await _acting_vendors(pool, actor))
        outcome = await executor.execute(
            QUOTE_REQUEST, request_id, command, actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "marketplace.quote"))
        return quote_request_out(outcome.state, outcome.version, shown)


async def _quote_readers(pool: Pool, actor: Actor, state: QuoteRequest) -> set[str] | None:
    """Whose quotes the caller may see (``None``: all); 404 when the request is not theirs."""
    requested = state.requested
    missing = NotFound("quote request not found")
    if requested is None:
        raise missing
    if actor.role in OVERSIGHT or (actor.role in ("buyer", "finance") and actor.agency == requested.agency_id):
        return None
    if actor.role == "vendor":
        mine = set(await _acting_vendors(pool, actor)) & set(requested.vendor_ids)
        if mine:
            return mine
    raise missing


class MarketplaceController(Controller):
    path = "/marketplace/contracts"
    tags = ["marketplace"]

    @get(responses=error_responses(422),
         summary="Search active cooperative contracts and their catalogs (public): full text over titles and "
         "items, facets by commodity code, lead agency and expiry window, keyset paging")
    async def search(
        self, pool: Pool, clock: Clock,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        commodity_code: Annotated[str | None, Parameter(max_length=20, pattern=r"^[A-Za-z0-9.\-]+$")] = None,
        lead_agency: _OptionalId = None, vendor: _OptionalId = None,
        expires_within_days: Annotated[int | None, Parameter(gt=NONNEGATIVE_GT, le=3660)] = None,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, Parameter(max_length=500)] = None,
    ) -> MarketplacePage:
        filters = SearchFilters(q=q.strip() or None if q else None, commodity_code=commodity_code,
                                lead_agency=lead_agency, vendor=vendor, expires_within_days=expires_within_days)
        today: date = clock.now().date()
        async with pool.acquire() as conn:
            rows, next_cursor, facets = await search_contracts(conn, filters, today, limit=limit, after=cursor)
        return MarketplacePage(items=[MarketplaceSummary(
            id=r.contract_id, title=r.title, lead_agency_id=r.lead_agency_id, vendor_id=r.vendor_id,
            end_date=r.end_date, currency=r.currency, commodity_codes=r.commodity_codes, catalog_items=r.item_count,
            ceiling_left_share=share_left(r.ceiling_amount or r.value_amount, r.committed_amount))
            for r in rows], facets=facets, next_cursor=next_cursor, limit=limit)

    @get("/{contract_id:str}", responses=error_responses(404, 422),
         summary="A cooperative contract's public view: catalog, eligibility, the share of its ceiling left")
    async def read(self, executor: Executor, contract_id: str) -> MarketplaceContractOut:
        contract = await contract_terms(executor, contract_id)
        statement = contract.cooperative
        facts = await contract_facts(executor, contract_id)
        if statement is None or contract.status == "pending" or facts is None or facts.start_date is None:
            raise NotFound(f"contract {contract_id} is not in the marketplace")
        state, _ = await executor.load(COOPERATIVE, contract_id)
        return MarketplaceContractOut(
            id=contract_id, title=contract.title, lead_agency_id=contract.lead_agency_id,
            vendor_id=contract.vendor_id, status=contract.status,  # type: ignore[arg-type]
            start_date=facts.start_date, end_date=contract.end_date or facts.start_date,
            currency=contract.currency, catalog=list(contract.catalog),
            escalation_cap_percent=facts.escalation_cap_percent,
            eligibility=EligibilityOut(
                eligible=statement.eligible,  # type: ignore[arg-type]
                agencies=list(statement.agencies), jurisdictions=list(statement.jurisdictions),
                approval_required=statement.approval_required, total_ceiling=statement.total_ceiling,
                participant_ceiling=statement.participant_ceiling),
            ceiling_left_share=share_left(contract.total_ceiling.amount, state.committed),
            participants=sum(1 for p in state.participants.values() if p.status == "approved"))
