"""Flags vendors that match the exclusion list, whichever came first.

Registration flags a vendor already on the list as it registers (read from the standing
model, which does not see an entry being recorded at that very moment). This reactor makes it certain: for an exclusion it flags
the registered vendors it names, for a registration or a change of legal name it flags
the vendor if an entry not yet over names it. The standing model is applied in the
transaction of every vendor event (an inline projection), and the runner hands over an
event only once everything before it has committed, so of any vendor and entry, the later
event always sees the earlier one. Whether a vendor may bid is still decided from the list
itself (``vendor_standing``); the flag tells admins and the vendor's own users.
"""

from __future__ import annotations

from datetime import date

from events.vendors import ExclusionRecorded, VendorProfileUpdated, VendorRegistered
from infra.container import Civic
from infra.eventstore import RecordedEvent
from kernel.context import SYSTEM_ACTOR
from projections.base import types_of
from services.vendors.commands import ExclusionHit, FlagExcluded
from services.vendors.deciders.vendor import VENDOR
from services.vendors.matching import name_key, tax_key


class ExclusionFlagger:
    name = "vendor_exclusion_flags"
    types: frozenset[str] | None = types_of(ExclusionRecorded, VendorRegistered, VendorProfileUpdated)

    def __init__(self, civic: Civic) -> None:
        self.civic = civic

    async def react(self, recorded: RecordedEvent) -> None:
        event = recorded.event
        if isinstance(event, VendorProfileUpdated) and event.legal_name is None:
            return
        today = self.civic.clock.now().date()
        match event:
            case ExclusionRecorded():
                await self._flag_vendors_named_by(recorded, event, today)
            case VendorRegistered() | VendorProfileUpdated():
                await self._flag_if_listed(recorded, event.vendor_id, today)

    async def _flag_vendors_named_by(self, recorded: RecordedEvent, event: ExclusionRecorded, today: date) -> None:
        if event.to_date is not None and event.to_date < today:
            return  # already over: nothing to warn about
        rows = await self.civic.pool.fetch(
            "SELECT vendor_id FROM vendor_standing WHERE status <> 'rejected'"
            " AND ((tax_key IS NOT NULL AND tax_key = $1) OR name_key = $2) ORDER BY vendor_id",
            tax_key(event.tax_id), name_key(event.name),
        )
        hit = ExclusionHit(exclusion_id=event.exclusion_id, reason=event.reason)
        for row in rows:
            await self._flag(recorded, row["vendor_id"], [hit])

    async def _flag_if_listed(self, recorded: RecordedEvent, vendor_id: str, today: date) -> None:
        rows = await self.civic.pool.fetch(
            "SELECT e.exclusion_id, e.reason FROM vendor_exclusions e JOIN vendor_standing v"
            " ON (e.tax_key IS NOT NULL AND e.tax_key = v.tax_key) OR e.name_key = v.name_key"
            " WHERE v.vendor_id = $1 AND v.status <> 'rejected' AND (e.to_date IS NULL OR e.to_date >= $2)"
            " ORDER BY e.from_date, e.exclusion_id",
            vendor_id, today,
        )
        if rows:
            await self._flag(recorded, vendor_id, [ExclusionHit(exclusion_id=r["exclusion_id"], reason=r["reason"])
                                                   for r in rows])

    async def _flag(self, recorded: RecordedEvent, vendor_id: str, hits: list[ExclusionHit]) -> None:
        await self.civic.executor.execute(
            VENDOR, vendor_id, FlagExcluded(hits=hits), SYSTEM_ACTOR,
            command_id=f"{self.name}:{recorded.event_id}:{vendor_id}", causation_id=recorded.event_id)
