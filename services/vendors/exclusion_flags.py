"""Flags registered vendors that an exclusion recorded later names (by tax id or legal name).

Registration flags a vendor already on the list; this reactor covers the other order.
Whether a vendor may bid is decided from the list itself (``vendor_standing``); the
flag tells admins and the vendor's own users.
"""

from __future__ import annotations

from events.vendors import ExclusionRecorded
from infra.container import Civic
from infra.eventstore import RecordedEvent
from projections.base import types_of
from projections.vendor_standing.matching import name_key, tax_key
from services.shared.context import SYSTEM_ACTOR
from services.vendors.commands import ExclusionHit, FlagExcluded
from services.vendors.decider import VENDOR


class ExclusionFlagger:
    name = "vendor_exclusion_flags"
    types: frozenset[str] | None = types_of(ExclusionRecorded)

    def __init__(self, civic: Civic) -> None:
        self.civic = civic

    async def react(self, recorded: RecordedEvent) -> None:
        event = recorded.event
        assert isinstance(event, ExclusionRecorded)
        if event.to_date is not None and event.to_date < self.civic.clock.now().date():
            return  # already over: nothing to warn about
        vendor_ids = await self.civic.pool.fetch(
            "SELECT vendor_id FROM vendor_standing WHERE status <> 'rejected'"
            " AND ((tax_key IS NOT NULL AND tax_key = $1) OR name_key = $2) ORDER BY vendor_id",
            tax_key(event.tax_id), name_key(event.name),
        )
        hit = ExclusionHit(exclusion_id=event.exclusion_id, reason=event.reason)
        for row in vendor_ids:
            await self.civic.executor.execute(
                VENDOR, row["vendor_id"], FlagExcluded(hits=[hit]), SYSTEM_ACTOR,
                command_id=f"{self.name}:{recorded.event_id}:{row['vendor_id']}", causation_id=recorded.event_id)
