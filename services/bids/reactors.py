"""The bids service's reactors: on the opening, every bid of the tabulation is unsealed
(``BidUnsealed``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.solicitations import SolicitationOpened
from infra.eventstore import RecordedEvent
from kernel.context import SYSTEM_ACTOR
from projections.base import types_of
from services.bids.commands import UnsealBid
from services.bids.decider import BID
from services.bids.sealing import vault_for
from services.solicitations.facts import solicitation_facts

if TYPE_CHECKING:
    from infra.container import Civic


class UnsealOnOpening:
    """On ``SolicitationOpened``: record ``BidUnsealed`` for every bid of the tabulation."""

    name = "bids.unseal"
    types: frozenset[str] | None = types_of(SolicitationOpened)

    def __init__(self, civic: Civic) -> None:
        self.civic = civic

    async def react(self, recorded: RecordedEvent) -> None:
        event = recorded.event
        assert isinstance(event, SolicitationOpened)
        civic = self.civic
        vault = vault_for(civic.settings)
        async with civic.pool.acquire() as conn:
            facts = await solicitation_facts(conn, event.solicitation_id)
        for entry in event.tabulation:
            bid, _ = await civic.executor.load(BID, entry.bid_id)
            if not bid.active:
                continue
            content = vault.unseal(bid.sealed, bid_id=bid.bid_id, solicitation_id=bid.solicitation_id,
                                   vendor_id=bid.vendor_id)
            await civic.executor.execute(BID, bid.bid_id, UnsealBid(facts=facts, content=content), SYSTEM_ACTOR,
                                         command_id=f"{self.name}:{recorded.event_id}:{bid.bid_id}",
                                         causation_id=recorded.event_id)
