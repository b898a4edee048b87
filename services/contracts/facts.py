"""What other contexts may know of contracts, over the contract register."""

from __future__ import annotations

from typing import Any

import msgspec


class VendorContracts(msgspec.Struct, frozen=True, kw_only=True):
    total: int
    open: int  # neither completed nor terminated


async def vendor_contracts(pool: Any, vendor_id: str) -> VendorContracts:
    row = await pool.fetchrow(
        "SELECT count(*) AS total, count(*) FILTER (WHERE status NOT IN ('completed', 'terminated')) AS open"
        " FROM contract_register WHERE vendor_id = $1", vendor_id)
    return VendorContracts(total=row["total"], open=row["open"])
