"""What other contexts may know of a contract."""

from __future__ import annotations

from typing import Any

import msgspec

from services.contracts.decider import CONTRACT


class ContractFacts(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    agency_id: str
    vendor_id: str
    solicitation_id: str
    #: "pending" | "active" | "completed" | "terminated"
    status: str
    #: the numbers of its amendments, in force or awaiting approval (documents may name them)
    amendments: tuple[int, ...] = ()


async def contract_facts(executor: Any, contract_id: str) -> ContractFacts | None:
    state, _ = await executor.load(CONTRACT, contract_id)
    if state.opened is None:
        return None
    opened = state.opened
    return ContractFacts(contract_id=opened.contract_id, agency_id=opened.agency_id,
                         vendor_id=opened.vendor_id, solicitation_id=opened.solicitation_id,
                         status=state.status,
                         amendments=tuple(sorted({a.number for a in state.amendments} | set(state.proposals))))


class VendorContracts(msgspec.Struct, frozen=True, kw_only=True):
    total: int
    open: int  # neither completed nor terminated


async def vendor_contracts(pool: Any, vendor_id: str) -> VendorContracts:
    """How many contracts a vendor holds, and how many are still open (records retention)."""
    row = await pool.fetchrow(
        "SELECT count(*) AS total, count(*) FILTER (WHERE status NOT IN ('completed', 'terminated')) AS open"
        " FROM contract_register WHERE vendor_id = $1", vendor_id)
    return VendorContracts(total=row["total"], open=row["open"])
