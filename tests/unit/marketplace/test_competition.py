"""Competition rules for orders and the request for quotes among contract holders (pure)."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest

from events.base import Money
from events.contracts import CatalogItem
from kernel.context import Actor, Context
from kernel.errors import Conflict, Forbidden, Invalid
from services.marketplace.commands import (
    CompetitionChoice,
    CompetitionRule,
    InvitedContract,
    QuoteFacts,
    QuoteRequestFacts,
    RequestQuotes,
    SubmitQuote,
)
from services.marketplace.competition import competition_for, rule_row
from services.marketplace.deciders.quote_request import QUOTE_REQUEST
from tests.unit.marketplace.test_purchase_order_decider import BUYER, CONTRACT, NOW, place


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


RULE = CompetitionRule(threshold=usd(15_000_00), threshold_citation="FAR 2.101", min_quotes=3,
                       citation="FAR 8.405-1(c)(2)")
REQUEST = QuoteRequestFacts(request_id="rfq1", agency_id="austin", commodity_code="43211503",
                            due_at=NOW - timedelta(hours=1), invited=("c1", "c2", "c3"),
                            quotes=(QuoteFacts(contract_id="c1", amount=usd(19_000_00)),
                                    QuoteFacts(contract_id="c2", amount=usd(18_000_00))))


NO_CHOICE = CompetitionChoice()


def meets(total: int, choice: CompetitionChoice = NO_CHOICE, contract_id: str = "c2"):
    return competition_for(agency_id="austin", contract_id=contract_id, commodity_codes=["43211503"],
                           total=usd(total), rule=RULE, choice=choice, now=NOW)


def test_at_or_under_the_threshold_a_direct_order():
    assert meets(15_000_00).rule == "direct"
    assert competition_for(agency_id="a", contract_id="c", commodity_codes=[], total=usd(10**9), rule=None,
                           choice=CompetitionChoice(), now=NOW).rule == "direct"


def test_above_it_quotes_or_a_justification():
    with pytest.raises(Conflict) as exc:
        meets(15_000_01)
    assert exc.value.code == "competition_required" and exc.value.details["min_quotes"] == 3
    sole = meets(20_000_00, CompetitionChoice(justification="the only certified supplier"))
    assert sole.rule == "sole_source" and sole.justification == "the only certified supplier"
    quoted = meets(20_000_00, CompetitionChoice(quote_request=REQUEST))
    assert quoted.rule == "quotes" and quoted.quotes_received == 2 and quoted.basis == "lowest"


@pytest.mark.parametrize(("choice", "contract_id", "error", "code"), [
    (CompetitionChoice(quote_request=REQUEST), "c1", Invalid, "not_lowest"),
    (CompetitionChoice(quote_request=REQUEST), "c3", Invalid, "not_quoted"),
    (CompetitionChoice(quote_request=REQUEST, basis="best_value"), "c1", Invalid, "invalid"),
    (CompetitionChoice(quote_request=msgspec.structs.replace(REQUEST, due_at=NOW + timedelta(hours=1))), "c2",
     Conflict, "quotes_open"),
    (CompetitionChoice(quote_request=msgspec.structs.replace(REQUEST, agency_id="other")), "c2", Invalid, "invalid"),
    (CompetitionChoice(quote_request=msgspec.structs.replace(REQUEST, commodity_code="99999999")), "c2",
     Invalid, "invalid"),
])
def test_a_request_for_quotes_must_fit_the_order(choice, contract_id, error, code):
    with pytest.raises(error) as exc:
        meets(20_000_00, choice, contract_id)
    assert exc.value.code == code


def test_best_value_with_its_reason():
    chosen = meets(20_000_00, CompetitionChoice(quote_request=REQUEST, basis="best_value",
                                                justification="faster delivery"), "c1")
    assert chosen.basis == "best_value" and chosen.justification == "faster delivery"


def test_the_rule_applied_is_recorded_on_the_order():
    _, [placed] = place(lines=(("laptop", 2),), competition=RULE)
    assert placed.competition.rule == "direct" and placed.competition.threshold == usd(15_000_00)
    with pytest.raises(Conflict):
        place(lines=(("laptop", 16),), competition=RULE)


def test_the_rules_are_data():
    row = rule_row("US")
    assert row["min_quotes"] == 3 and row["threshold"] == "micro_purchase"


def _invited(contract_id: str, vendor_id: str, **changes) -> InvitedContract:
    item = CatalogItem(item_id="laptop", description="Laptop", commodity_code="43211503", unit="each",
                       unit_price=usd(1_000_00), estimated_quantity=1)
    contract = msgspec.structs.replace(CONTRACT, **({"contract_id": contract_id, "vendor_id": vendor_id,
                                                     "catalog": (item,)} | changes))
    return InvitedContract(contract=contract, usable=True)


THREE = [_invited("c1", "v1"), _invited("c2", "v2"), _invited("c3", "v3")]


def request(invited=THREE, **kw):
    fields = dict(request_id="rfq1", commodity_code="43211503", description="20 laptops",
                  due_at=NOW + timedelta(days=2), invited=invited, min_quotes=3) | kw
    return QUOTE_REQUEST.run([(RequestQuotes(**fields), BUYER)])


def test_quotes_are_requested_from_enough_holders_of_usable_contracts():
    state, [requested] = request()
    assert requested.contract_ids == ["c1", "c2", "c3"] and requested.agency_id == "austin"
    for invited, code in (
        ([*THREE[:2], _invited("c4", "v2")], "too_few_holders"),
        ([*THREE, THREE[0]], "duplicate_contract"),
        ([*THREE, _invited("c5", "v5", status="completed")], "contract_not_active"),
        ([*THREE, InvitedContract(contract=THREE[0].contract, usable=False)], "duplicate_contract"),
        ([*THREE[:2], InvitedContract(contract=_invited("c6", "v6").contract, usable=False)], "not_participant"),
        ([*THREE[:2], _invited("c7", "v7", catalog=())], "not_in_catalog"),
    ):
        with pytest.raises(Invalid) as exc:
            request(invited)
        assert exc.value.code == code, code
    with pytest.raises(Invalid):
        request(due_at=NOW - timedelta(minutes=1))


def test_each_invited_holder_quotes_once_before_the_due_time():
    state, _ = request()
    vendor = Context(now=NOW, actor=Actor(sub="u1", role="vendor", vendor="v1"))
    state, [quote] = QUOTE_REQUEST.run([(SubmitQuote(contract_id="c1", amount=usd(19_000_00), note="",
                                                     acting_vendors=frozenset({"v1"})), vendor)], state)
    assert quote.vendor_id == "v1" and state.facts().quotes[0].amount == usd(19_000_00)
    with pytest.raises(Conflict):
        QUOTE_REQUEST.run([(SubmitQuote(contract_id="c1", amount=usd(1), note="", acting_vendors=frozenset({"v1"})),
                            vendor)], state)
    with pytest.raises(Forbidden):
        QUOTE_REQUEST.run([(SubmitQuote(contract_id="c2", amount=usd(1), note="", acting_vendors=frozenset({"v1"})),
                            vendor)], state)
    late = Context(now=NOW + timedelta(days=3), actor=Actor(sub="u2", role="vendor"))
    with pytest.raises(Conflict) as exc:
        QUOTE_REQUEST.run([(SubmitQuote(contract_id="c2", amount=usd(1), note="", acting_vendors=frozenset({"v2"})),
                            late)], state)
    assert exc.value.code == "quotes_closed"
