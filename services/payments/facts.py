"""What other contexts may know of an invoice."""

from __future__ import annotations

from typing import Any

import msgspec

from services.payments.deciders.invoice import INVOICE


class InvoiceFacts(msgspec.Struct, frozen=True, kw_only=True):
    invoice_id: str
    contract_id: str
    agency_id: str
    vendor_id: str
    status: str


async def invoice_facts(executor: Any, invoice_id: str) -> InvoiceFacts | None:
    state, version = await executor.load(INVOICE, invoice_id)
    if version == 0 or not state.exists:
        return None
    return InvoiceFacts(invoice_id=state.invoice_id, contract_id=state.contract_id,
                        agency_id=state.agency_id, vendor_id=state.vendor_id, status=state.status)
