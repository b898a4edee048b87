"""The contract of a final award carries the winning bid's price schedule as its catalog,
the escalation cap and the cooperative statement of its solicitation."""

from __future__ import annotations

from datetime import UTC, date, datetime

from events.awards import AwardFinalized
from events.base import Money
from events.bids import Attestations, BidUnsealed, LinePrice
from events.solicitations import CooperativeStatement, PriceSchedule, ScheduleLine
from kernel.context import SYSTEM_ACTOR, Context
from services.contracts.decider import CONTRACT
from services.contracts.reactors import open_contract_command
from services.solicitations.facts import SolicitationFacts

NOW = datetime(2026, 5, 1, tzinfo=UTC)
AWARD = AwardFinalized(award_id="aw1", solicitation_id="s1", agency_id="ag1", vendor_id="v1",
                       value=Money(amount=85_000_00, currency="USD"), decided_by="b", rationale="r",
                       finalized_at=NOW, bid_id="b1", contract_start=date(2026, 6, 1), contract_end=date(2027, 5, 31))
SCHEDULE = PriceSchedule(lines=[
    ScheduleLine(item_id="salt", description="Road salt", commodity_code="12352301", unit="ton",
                 estimated_quantity=1000),
    ScheduleLine(item_id="brine", description="Brine", commodity_code="12352301", unit="gallon",
                 estimated_quantity=5000)], escalation_cap_percent=3.5)
STATEMENT = CooperativeStatement(eligible="all", lead_agency_id="ag1")
SOLICITATION = SolicitationFacts(exists=True, solicitation_id="s1", agency_id="ag1", title="Winter salt",
                                 price_schedule=SCHEDULE, cooperative=STATEMENT)
BID = BidUnsealed(bid_id="b1", solicitation_id="s1", vendor_id="v1", price=Money(amount=85_000_00, currency="USD"),
                  responses=[], received_at=NOW, acknowledged_addendum=0,
                  attestations=Attestations(no_conflict_of_interest=True, non_collusion=True),
                  unit_prices=[LinePrice(item_id="brine", unit_price=Money(amount=1_00, currency="USD")),
                               LinePrice(item_id="salt", unit_price=Money(amount=80_00, currency="USD"))])


def test_the_catalog_is_the_winning_bids_unit_prices_on_the_schedule_lines():
    command = open_contract_command(AWARD, SOLICITATION, BID)
    assert [(i.item_id, i.unit, i.unit_price.amount, i.estimated_quantity) for i in command.catalog] == [
        ("salt", "ton", 80_00, 1000), ("brine", "gallon", 1_00, 5000)]
    assert command.escalation_cap_percent == 3.5 and command.cooperative == STATEMENT
    assert command.title == "Winter salt"
    _, [opened] = CONTRACT.run([(command, Context(now=NOW, actor=SYSTEM_ACTOR))])
    assert opened.catalog == command.catalog and opened.cooperative == STATEMENT


def test_without_a_schedule_or_statement_the_contract_is_as_before():
    plain = open_contract_command(AWARD, SolicitationFacts(exists=True, solicitation_id="s1", title="t"), BID)
    assert plain.catalog == [] and plain.cooperative is None and plain.escalation_cap_percent is None
    assert open_contract_command(AWARD).catalog == []
