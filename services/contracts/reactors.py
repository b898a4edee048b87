"""Opens the contract of a final award: a reactor on ``AwardFinalized``.

The command id derives from the award event's id and the contract id from the award, so
a redelivered event opens nothing more.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from events.awards import AwardFinalized
from infra.eventstore import RecordedEvent
from kernel.context import SYSTEM_ACTOR
from projections.base import types_of
from services.contracts.commands import OpenContract
from services.contracts.decider import CONTRACT
from services.contracts.ids import contract_id_for
from services.contracts.settings import SETTINGS

if TYPE_CHECKING:
    from infra.container import Civic

#: the term when the award named none: a year from the final award
DEFAULT_TERM = timedelta(days=365)


def open_contract_command(award: AwardFinalized) -> OpenContract:
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
        command = open_contract_command(event.event)
        await self.civic.executor.execute_retrying(
            CONTRACT, command.contract_id, command, SYSTEM_ACTOR,
            command_id=f"{self.name}:{event.event_id}", causation_id=event.event_id,
            correlation_id=event.metadata.correlation_id)
