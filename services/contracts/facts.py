"""What other contexts may know of a contract."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from events.base import Money
from events.contracts import CatalogItem
from events.solicitations import CooperativeStatement
from services.contracts.decider import CONTRACT
from services.contracts.phases import remaining_options


class ContractFacts(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    agency_id: str
    vendor_id: str
    solicitation_id: str
    #: "pending" | "active" | "completed" | "terminated"
    status: str
    #: the numbers of its amendments, in force or awaiting approval (documents may name them)
    amendments: tuple[int, ...] = ()
    #: the value in force (amendments included) and the term
    value: Money | None = None
    start_date: date | None = None
    end_date: date | None = None
    title: str = ""
    #: what orders are priced from (empty: the contract has no catalog)
    catalog: tuple[CatalogItem, ...] = ()
    escalation_cap_percent: float | None = None
    #: who else may buy from it (``None``: it is not cooperative)
    cooperative: CooperativeStatement | None = None


async def contract_facts(executor: Any, contract_id: str) -> ContractFacts | None:
    state, _ = await executor.load(CONTRACT, contract_id)
    if state.opened is None:
        return None
    opened = state.opened
    return ContractFacts(contract_id=opened.contract_id, agency_id=opened.agency_id,
                         vendor_id=opened.vendor_id, solicitation_id=opened.solicitation_id,
                         status=state.status,
                         amendments=tuple(sorted({a.number for a in state.amendments} | set(state.proposals))),
                         value=state.value, start_date=opened.start_date, end_date=state.end_date,
                         title=opened.title, catalog=tuple(opened.catalog),
                         escalation_cap_percent=opened.escalation_cap_percent, cooperative=opened.cooperative)


class VendorContracts(msgspec.Struct, frozen=True, kw_only=True):
    total: int
    open: int  # neither completed nor terminated


async def vendor_contracts(pool: Any, vendor_id: str) -> VendorContracts:
    """How many contracts a vendor holds, and how many are still open (records retention)."""
    row = await pool.fetchrow(
        "SELECT count(*) AS total, count(*) FILTER (WHERE status NOT IN ('completed', 'terminated')) AS open"
        " FROM contract_register WHERE vendor_id = $1", vendor_id)
    return VendorContracts(total=row["total"], open=row["open"])


async def open_contract_ids(pool: Any, agency_id: str | None) -> list[str]:
    """The contracts of an agency (``None``: of every agency) neither completed nor terminated."""
    rows = await pool.fetch(
        "SELECT contract_id FROM contract_register WHERE ($1::text IS NULL OR agency_id = $1)"
        " AND status NOT IN ('completed', 'terminated') ORDER BY contract_id", agency_id)
    return [r["contract_id"] for r in rows]


class OptionFacts(msgspec.Struct, frozen=True, kw_only=True):
    option_id: str
    kind: str  # "extra_years" | "extra_quantity"
    added_value: Money
    exercise_deadline: date
    extend_to: date | None = None
    quantity: int | None = None


class RenewalFacts(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    agency_id: str
    vendor_id: str
    #: "plan" | "exercise_option" | "re_compete" | "let_lapse"; None: never recorded
    stage: str | None
    #: when the buyer recorded the current stage
    since: datetime | None
    value: Money
    end_date: date
    #: options still open whose deadline has not passed on the day asked, earliest first
    remaining_options: tuple[OptionFacts, ...] = ()


async def renewal_facts(executor: Any, contract_id: str, on: date) -> RenewalFacts | None:
    """A contract's renewal stage and since when, and the options that remain on ``on``
    (None when there is no such contract)."""
    state, _ = await executor.load(CONTRACT, contract_id)
    if state.opened is None:
        return None
    assert state.value is not None and state.end_date is not None
    last = state.renewal[-1] if state.renewal else None
    remaining = sorted((state.options[i].option for i in remaining_options(state, on)),
                       key=lambda o: (o.exercise_deadline, o.option_id))
    return RenewalFacts(
        contract_id=contract_id, agency_id=state.opened.agency_id, vendor_id=state.opened.vendor_id,
        stage=last.stage if last else None, since=last.set_at if last else None, value=state.value,
        end_date=state.end_date,
        remaining_options=tuple(OptionFacts(option_id=o.option_id, kind=o.kind, added_value=o.added_value,
                                            exercise_deadline=o.exercise_deadline, extend_to=o.extend_to,
                                            quantity=o.quantity) for o in remaining))
