"""A request for quotes among holders of contracts for one commodity (the competition an
order above the micro-purchase threshold needs): invited contracts, one quote each before
the due time. Pure."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from events.base import Event
from events.marketplace import QuotesRequested, QuoteSubmitted
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from kernel.money import check_money
from services.marketplace.commands import (
    QuoteCommand,
    QuoteFacts,
    QuoteRequestFacts,
    RequestQuotes,
    SubmitQuote,
)

#: no request for quotes runs longer
LONGEST = timedelta(days=90)


class QuoteRequest(msgspec.Struct, frozen=True, kw_only=True):
    requested: QuotesRequested | None = None
    #: contract id -> its quote
    quotes: dict[str, QuoteSubmitted] = {}

    def facts(self) -> QuoteRequestFacts:
        assert self.requested is not None
        r = self.requested
        return QuoteRequestFacts(request_id=r.request_id, agency_id=r.agency_id, commodity_code=r.commodity_code,
                                 due_at=r.due_at, invited=tuple(r.contract_ids),
                                 quotes=tuple(QuoteFacts(contract_id=q.contract_id, amount=q.amount)
                                              for q in self.quotes.values()))


def _request(command: RequestQuotes, state: QuoteRequest, ctx: Context) -> list[Event]:
    if ctx.actor.role != "buyer" or not ctx.actor.agency:
        raise Forbidden("a buyer requests quotes for their agency", code="not_agency_buyer")
    if state.requested is not None:
        raise Conflict("quote request already exists", code="duplicate")
    if not command.description.strip():
        raise field_error("description", "say what is to be bought")
    if command.due_at.tzinfo is None:
        raise field_error("due_at", "needs a timezone (UTC)")
    if not ctx.now < command.due_at <= ctx.now + LONGEST:
        raise field_error("due_at", "in the future, within 90 days")
    seen: set[str] = set()
    for i, invited in enumerate(command.invited):
        contract = invited.contract
        where = f"contract_ids[{i}]"
        if contract.contract_id in seen:
            raise field_error(where, "each contract once", code="duplicate_contract")
        seen.add(contract.contract_id)
        if contract.status != "active":
            raise field_error(where, f"contract {contract.contract_id} is {contract.status}, not active",
                              code="contract_not_active")
        if not invited.usable:
            raise field_error(where, f"your agency may not order from contract {contract.contract_id}: "
                              "join it first", code="not_participant")
        if not any(item.commodity_code == command.commodity_code for item in contract.catalog):
            raise field_error(where, f"contract {contract.contract_id} has no {command.commodity_code} "
                              "in its catalog", code="not_in_catalog")
    holders = {invited.contract.vendor_id for invited in command.invited}
    if len(holders) < command.min_quotes:
        raise field_error("contract_ids", f"invite at least {command.min_quotes} different contract holders",
                          code="too_few_holders")
    return [QuotesRequested(
        request_id=command.request_id, agency_id=ctx.actor.agency, commodity_code=command.commodity_code,
        description=command.description.strip(), due_at=command.due_at,
        contract_ids=[i.contract.contract_id for i in command.invited],
        vendor_ids=[i.contract.vendor_id for i in command.invited], requested_by=ctx.actor.sub,
        requested_at=ctx.now)]


def _quote(command: SubmitQuote, state: QuoteRequest, ctx: Context) -> list[Event]:
    requested = state.requested
    if requested is None:
        raise NotFound("quote request not found")
    vendor_of = dict(zip(requested.contract_ids, requested.vendor_ids, strict=True))
    vendor = vendor_of.get(command.contract_id)
    if ctx.actor.role != "vendor" or vendor is None or vendor not in command.acting_vendors:
        raise Forbidden("only the holder of an invited contract quotes", code="not_invited")
    if ctx.now >= requested.due_at:
        raise Conflict(f"quotes were due at {requested.due_at.isoformat()}", code="quotes_closed")
    if command.contract_id in state.quotes:
        raise Conflict("this contract has already quoted", code="already_quoted")
    check_money(command.amount, "amount")
    return [QuoteSubmitted(request_id=requested.request_id, contract_id=command.contract_id, vendor_id=vendor,
                           amount=command.amount, note=command.note.strip(), submitted_by=ctx.actor.sub,
                           submitted_at=ctx.now)]


def decide(command: QuoteCommand, state: QuoteRequest, ctx: Context) -> list[Event]:
    match command:
        case RequestQuotes():
            return _request(command, state, ctx)
        case SubmitQuote():
            return _quote(command, state, ctx)
    raise TypeError(f"unknown command {command!r}")


def evolve(state: QuoteRequest, event: Event) -> QuoteRequest:
    match event:
        case QuotesRequested():
            return QuoteRequest(requested=event)
        case QuoteSubmitted():
            return msgspec.structs.replace(state, quotes={**state.quotes, event.contract_id: event})
    return state


QUOTE_REQUEST = Decider(stream_prefix="quote-request", initial=QuoteRequest, decide=decide, evolve=evolve)
