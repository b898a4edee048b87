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
