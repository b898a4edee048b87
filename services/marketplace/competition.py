"""Competition rules for orders, as data (``data/competition.json``): at or under the
ordering agency's micro-purchase threshold a direct order is fine; above it, quotes
requested from enough contract holders (the lowest chosen, or the best value with its
reason) or a written sole-source justification. Pure."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from events.base import Money
from events.marketplace import Competition
from kernel.errors import Conflict, field_error
from kernel.money import fmt
from services.marketplace.commands import CompetitionChoice, CompetitionRule

DATA = Path(__file__).with_name("data") / "competition.json"


@functools.cache
def _table() -> dict[str, Any]:
    return json.loads(DATA.read_text())


def rule_row(pack: str) -> dict[str, Any]:
    """The competition row of a pack (its own, else the default)."""
    table = _table()
    return table.get(pack) or table["*"]


def competition_for(*, agency_id: str, contract_id: str, commodity_codes: list[str], total: Money,
                    rule: CompetitionRule | None, choice: CompetitionChoice, now: Any) -> Competition:
    """The competition the order meets, or the refusal that says what it needs."""
    if rule is None or total.currency != rule.threshold.currency or total.amount <= rule.threshold.amount:
        if rule is None:
            return Competition(rule="direct")
        return Competition(rule="direct", threshold=rule.threshold, citation=rule.threshold_citation)
    if choice.justification.strip() and choice.quote_request is None:
        return Competition(rule="sole_source", threshold=rule.threshold, citation=rule.citation,
                           justification=choice.justification.strip())
    request = choice.quote_request
    if request is None:
        raise Conflict(
            f"an order of {fmt(total)} is above the micro-purchase threshold of {fmt(rule.threshold)} "
            f"({rule.threshold_citation}): request quotes from at least {rule.min_quotes} contract holders "
            "(POST /api/v1/quote-requests) or give a sole-source justification", code="competition_required",
            details={"threshold": rule.threshold.amount, "min_quotes": rule.min_quotes})
    if request.agency_id != agency_id:
        raise field_error("competition.quote_request_id", "not a request of your agency")
    if request.commodity_code not in commodity_codes:
        raise field_error("competition.quote_request_id", f"the request was for {request.commodity_code}, "
                          "which this order does not buy")
    if now < request.due_at:
        raise Conflict(f"quotes are due at {request.due_at.isoformat()}; choose after that", code="quotes_open")
    quotes = {q.contract_id: q.amount.amount for q in request.quotes}
    if contract_id not in quotes:
        raise field_error("competition.quote_request_id", f"contract {contract_id} did not quote on this request",
                          code="not_quoted")
    if choice.basis == "lowest":
        if quotes[contract_id] > min(quotes.values()):
            raise field_error("competition.basis", "another holder quoted lower: order from the lowest, or "
                              "choose best_value with the reason", code="not_lowest")
    elif not choice.justification.strip():
        raise field_error("competition.justification", "a best-value choice states its reason")
    return Competition(rule="quotes", threshold=rule.threshold, citation=rule.citation,
                       quote_request_id=request.request_id, quotes_received=len(quotes), basis=choice.basis,
                       justification=choice.justification.strip())
