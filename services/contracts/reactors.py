"""Opens the contract of a final award: a reactor on ``AwardFinalized``.

The command id derives from the award event's id and the contract id from the award, so
a redelivered event opens nothing more.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import msgspec

from events.awards import AwardFinalized
from events.bids import BidUnsealed
from events.contracts import CatalogItem
from infra.eventstore import RecordedEvent
from kernel.context import SYSTEM_ACTOR
from projections.base import types_of
from services.bids.facts import opened_bid
from services.contracts.commands import OpenContract
from services.contracts.decider import CONTRACT
from services.contracts.ids import contract_id_for
from services.contracts.settings import SETTINGS
from services.solicitations.facts import SolicitationFacts, solicitation_facts

if TYPE_CHECKING:
    from infra.container import Civic

#: the term when the award named none: a year from the final award
DEFAULT_TERM = timedelta(days=365)


def catalog_of(solicitation: SolicitationFacts, unsealed: BidUnsealed | None) -> list[CatalogItem]:
    """The winning bid's unit prices on the solicitation's schedule lines."""
    if solicitation.price_schedule is None or unsealed is None:
        return []
    prices = {p.item_id: p.unit_price for p in unsealed.unit_prices}
    return [CatalogItem(item_id=line.item_id, description=line.description, commodity_code=line.commodity_code,
                        unit=line.unit, unit_price=prices[line.item_id], estimated_quantity=line.estimated_quantity)
            for line in solicitation.price_schedule.lines if line.item_id in prices]


def open_contract_command(award: AwardFinalized, solicitation: SolicitationFacts | None = None,
                          unsealed: BidUnsealed | None = None) -> OpenContract:
    """The contract of a final award; with the solicitation's facts and the winning bid as
    unsealed, it carries the title, the catalog and the cooperative statement."""
    command = _opened(award)
    if solicitation is None or not solicitation.exists:
        return command
    schedule = solicitation.price_schedule
    return msgspec.structs.replace(
        command, title=solicitation.title, catalog=catalog_of(solicitation, unsealed),
        escalation_cap_percent=schedule.escalation_cap_percent if schedule else None,
        cooperative=solicitation.cooperative)


def _opened(award: AwardFinalized) -> OpenContract:
    start = award.contract_start or award.finalized_at.date()
    return OpenContract(
        contract_id=contract_id_for(award.award_id), award_id=award.award_id,
        solicitation_id=award.solicitation_id, agency_id=award.agency_id,
        vendor_id=award.vendor_id, value=award.value, start_date=start,
        end_date=award.contract_end or start + DEFAULT_TERM, terms_ref=award.terms_ref,
        requires_receipt=award.requires_receipt, approval_share=SETTINGS.approval_share)


class ContractOpener:
    name = "contracts.opener"
    types: frozenset[str] | None = types_of(AwardFinalized)

    def __init__(self, civic: Civic) -> None:
        self.civic = civic

    async def react(self, event: RecordedEvent) -> None:
        if not isinstance(event.event, AwardFinalized):
            return
        award = event.event
        async with self.civic.pool.acquire() as conn:
            solicitation = await solicitation_facts(conn, award.solicitation_id)
            unsealed = await opened_bid(conn, award.bid_id) if award.bid_id else None
        command = open_contract_command(award, solicitation, unsealed)
        await self.civic.executor.execute_retrying(
            CONTRACT, command.contract_id, command, SYSTEM_ACTOR,
            command_id=f"{self.name}:{event.event_id}", causation_id=event.event_id,
            correlation_id=event.metadata.correlation_id)
