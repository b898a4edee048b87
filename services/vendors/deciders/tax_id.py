"""One live registration per tax id: a claim stream per EIN (``taxid-<digits>``).

Two registrations with the same EIN both append to the same stream at the same expected
version, so one of them fails; the claim and the registration commit together.
"""

from __future__ import annotations

import msgspec

from events.base import Event
from events.vendors import TaxIdClaimed
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict


class TaxIdClaim(msgspec.Struct, frozen=True, kw_only=True):
    holder: str | None = None


class ClaimTaxId(msgspec.Struct, frozen=True, kw_only=True):
    tax_id: str
    vendor_id: str
    #: read at the edge: the current holder's registration was rejected, so it is free again
    holder_rejected: bool = False


def decide(command: ClaimTaxId, state: TaxIdClaim, ctx: Context) -> list[Event]:
    if state.holder == command.vendor_id:
        return []
    if state.holder is not None and not command.holder_rejected:
        raise Conflict(
            "a vendor with this tax id is already registered",
            code="duplicate_tax_id",
            details=[{"field": "tax_id", "message": "already registered"}],
        )
    return [TaxIdClaimed(tax_id=command.tax_id, vendor_id=command.vendor_id)]


def evolve(state: TaxIdClaim, event: Event) -> TaxIdClaim:
    if isinstance(event, TaxIdClaimed):
        return TaxIdClaim(holder=event.vendor_id)
    return state


TAX_ID = Decider(stream_prefix="taxid", initial=TaxIdClaim, decide=decide, evolve=evolve)
