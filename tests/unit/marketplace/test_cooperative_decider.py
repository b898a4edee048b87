"""Joining a cooperative contract and committing orders against its ceilings (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec
import pytest

from events.base import Money
from events.marketplace import (
    OrderCommitted,
    OrderReleased,
    ParticipantApproved,
    ParticipationRequested,
)
from events.solicitations import CooperativeStatement
from kernel.context import Actor, Context
from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from services.marketplace.commands import (
    ApproveParticipant,
    CommitOrder,
    ContractTerms,
    JoinContract,
    JoiningAgency,
    ReleaseOrder,
)
from services.marketplace.deciders.cooperative import COOPERATIVE, eligible

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


STATEMENT = CooperativeStatement(eligible="jurisdictions", jurisdictions=["US-TX"], lead_agency_id="lead",
                                 total_ceiling=usd(10_000), participant_ceiling=usd(4_000))
CONTRACT = ContractTerms(contract_id="c1", agency_id="lead", vendor_id="v1", status="active", value=usd(50_000),
                         end_date=date(2027, 1, 1), cooperative=STATEMENT)
AUSTIN = JoiningAgency(agency_id="austin", jurisdiction="US-TX-Austin")


def as_buyer(agency: str) -> Context:
    return Context(now=NOW, actor=Actor(sub=f"{agency}-buyer", role="buyer", agency=agency))


def join(agency=AUSTIN, contract=CONTRACT, state=None):
    return COOPERATIVE.run([(JoinContract(contract=contract, agency=agency), as_buyer(agency.agency_id))], state)


def commit(state, agency: str, amount: int, order_id: str = "po", contract=CONTRACT):
    return COOPERATIVE.run([(CommitOrder(contract=contract, order_id=order_id, agency_id=agency,
                                         amount=usd(amount)), as_buyer(agency))], state)


@pytest.mark.parametrize(("statement", "agency", "admitted"), [
    (CooperativeStatement(eligible="all"), JoiningAgency(agency_id="x", jurisdiction="US-CA"), True),
    (CooperativeStatement(eligible="agencies", agencies=["x"]), JoiningAgency(agency_id="x", jurisdiction="US"), True),
    (CooperativeStatement(eligible="agencies", agencies=["x"]), JoiningAgency(agency_id="y", jurisdiction="US"), False),
    (STATEMENT, JoiningAgency(agency_id="y", jurisdiction="US-TX"), True),
    (STATEMENT, JoiningAgency(agency_id="y", jurisdiction="US-TX-Austin"), True),
    # a prefix is a whole code: US-TX does not admit a US-TXA
    (STATEMENT, JoiningAgency(agency_id="y", jurisdiction="US-TXA"), False),
    (STATEMENT, JoiningAgency(agency_id="y", jurisdiction="US-CA"), False),
    (CooperativeStatement(eligible="all"), JoiningAgency(agency_id="x", jurisdiction=None), False),
])
def test_eligibility_by_list_or_jurisdiction_prefix(statement, agency, admitted):
    assert eligible(msgspec.structs.replace(CONTRACT, cooperative=statement), agency) is admitted


def test_an_eligible_agency_joins_at_once_unless_approval_is_required():
    _, [joined] = join()
    assert isinstance(joined, ParticipationRequested) and joined.approved
    state, _ = COOPERATIVE.run([(JoinContract(contract=CONTRACT, agency=AUSTIN, note=" for the winter "),
                                 as_buyer("austin"))])
    assert state.participants["austin"].note == "for the winter"
    gated = msgspec.structs.replace(CONTRACT, cooperative=msgspec.structs.replace(STATEMENT, approval_required=True))
    state, [pending] = join(contract=gated)
    assert not pending.approved and state.participants["austin"].status == "pending"
    with pytest.raises(Forbidden):
        COOPERATIVE.run([(ApproveParticipant(contract=gated, agency_id="austin"), as_buyer("austin"))], state)
    state, [approved] = COOPERATIVE.run([(ApproveParticipant(contract=gated, agency_id="austin"),
                                          as_buyer("lead"))], state)
    assert isinstance(approved, ParticipantApproved) and state.participants["austin"].status == "approved"
    with pytest.raises(Conflict) as exc:
        COOPERATIVE.run([(ApproveParticipant(contract=gated, agency_id="austin"), as_buyer("lead"))], state)
    assert exc.value.code == "already_approved"
    with pytest.raises(NotFound):
        COOPERATIVE.run([(ApproveParticipant(contract=gated, agency_id="nobody"), as_buyer("lead"))], state)


@pytest.mark.parametrize(("contract", "agency", "error", "code"), [
    (msgspec.structs.replace(CONTRACT, cooperative=None), AUSTIN, Conflict, "not_cooperative"),
    (msgspec.structs.replace(CONTRACT, status="pending"), AUSTIN, Conflict, "contract_not_active"),
    (msgspec.structs.replace(CONTRACT, status="terminated"), AUSTIN, Conflict, "contract_not_active"),
    (CONTRACT, JoiningAgency(agency_id="lead", jurisdiction="US-TX"), Conflict, "lead_agency"),
    (CONTRACT, JoiningAgency(agency_id="fresno", jurisdiction="US-CA-Fresno"), Forbidden, "not_eligible"),
    (CONTRACT, JoiningAgency(agency_id="ghost", jurisdiction=None), Forbidden, "agency_not_registered"),
])
def test_joining_is_refused_with_a_clear_code(contract, agency, error, code):
    with pytest.raises(error) as exc:
        join(agency=agency, contract=contract)
    assert exc.value.code == code


def test_a_non_cooperative_contract_is_never_joined_even_when_otherwise_eligible():
    with pytest.raises(Conflict) as exc:
        join(contract=msgspec.structs.replace(CONTRACT, cooperative=None))
    assert "not solicited as cooperative" in exc.value.message


def test_a_buyer_joins_only_for_their_own_agency():
    with pytest.raises(Forbidden):
        COOPERATIVE.run([(JoinContract(contract=CONTRACT, agency=AUSTIN), as_buyer("other"))])
    already, _ = join()
    with pytest.raises(Conflict) as exc:
        join(state=already)
    assert exc.value.code == "already_participant"


def test_orders_need_an_approved_participant_or_the_lead_agency():
    with pytest.raises(Conflict) as exc:
        commit(None, "austin", 100)
    assert exc.value.code == "not_participant"
    gated = msgspec.structs.replace(CONTRACT, cooperative=msgspec.structs.replace(STATEMENT, approval_required=True))
    pending, _ = join(contract=gated)
    with pytest.raises(Conflict) as exc:
        commit(pending, "austin", 100, contract=gated)
    assert exc.value.code == "participation_pending"
    _, [committed] = commit(None, "lead", 100)
    assert isinstance(committed, OrderCommitted) and committed.amount == usd(100)


def test_the_total_and_the_participant_ceilings():
    state, _ = join()
    state, _ = commit(state, "austin", 4_000, "po1")
    with pytest.raises(Conflict) as exc:
        commit(state, "austin", 1, "po2")
    assert exc.value.code == "participant_ceiling_exceeded" and exc.value.details["remaining"] == 0
    # the lead agency is under the total ceiling only
    state, _ = commit(state, "lead", 6_000, "po3")
    with pytest.raises(Conflict) as exc:
        commit(state, "lead", 1, "po4")
    assert exc.value.code == "ceiling_exceeded" and exc.value.details == {
        "ceiling": 10_000, "remaining": 0, "currency": "USD"}
    # a released order frees its share of both ceilings
    state, [released] = COOPERATIVE.run([(ReleaseOrder(order_id="po1", reason="cancelled"), as_buyer("austin"))],
                                        state)
    assert isinstance(released, OrderReleased) and released.amount == usd(4_000)
    state, _ = commit(state, "austin", 4_000, "po5")
    assert state.committed == 10_000
    # releasing what is not committed, or committing an order twice, changes nothing
    assert COOPERATIVE.run([(ReleaseOrder(order_id="po1", reason="again"), as_buyer("austin"))], state)[1] == []
    assert commit(state, "austin", 4_000, "po5")[1] == []


def test_without_a_stated_ceiling_the_contract_value_is_the_ceiling():
    open_ended = msgspec.structs.replace(CONTRACT, cooperative=CooperativeStatement(eligible="all",
                                                                                  lead_agency_id="lead"))
    state, _ = commit(None, "lead", 50_000, contract=open_ended)
    with pytest.raises(Conflict) as exc:
        commit(state, "lead", 1, "po2", contract=open_ended)
    assert exc.value.code == "ceiling_exceeded"
    # a non-cooperative contract: its own agency orders up to its value; nobody else
    own = msgspec.structs.replace(CONTRACT, cooperative=None)
    commit(None, "lead", 50_000, contract=own)
    with pytest.raises(Conflict) as exc:
        commit(None, "austin", 1, contract=own)
    assert exc.value.code == "not_cooperative"


def test_an_order_in_another_currency_is_refused():
    with pytest.raises(Invalid) as exc:
        COOPERATIVE.run([(CommitOrder(contract=CONTRACT, order_id="po", agency_id="lead",
                                      amount=Money(amount=1, currency="EUR")), as_buyer("lead"))])
    assert exc.value.details[0]["field"] == "currency"
