"""The bid opening. Only the bids service holds the bid key, so it performs the opening
the solicitation's opening timer asks for: it unseals the active bids, builds the
tabulation and records ``SolicitationOpened``."""

from __future__ import annotations

from asyncpg import Pool

from events.solicitations import TabulationEntry
from infra.clock import Clock
from infra.eventstore import EventStore
from infra.executor import Executor
from infra.settings import Settings
from kernel.context import SYSTEM_ACTOR
from kernel.timers import Timer
from services.bids.readmodel import bids_of_solicitation, vendor_name
from services.bids.sealing import vault_for
from services.solicitations.commands import OpenSolicitation
from services.solicitations.deciders.solicitation import SOLICITATION, is_due_for_opening


async def tabulate(pool: Pool, clock: Clock, store: EventStore, settings: Settings,
                   solicitation_id: str, latest_addendum: int) -> list[TabulationEntry]:
    """The active bids, unsealed, in the order they were received."""
    vault = vault_for(settings)
    now = clock.now()
    entries = []
    for bid in await bids_of_solicitation(store, solicitation_id):
        if not bid.active or bid.received_at is None:
            continue
        content = vault.unseal(bid.sealed, bid_id=bid.bid_id, solicitation_id=solicitation_id,
                               vendor_id=bid.vendor_id)
        entries.append(TabulationEntry(
            bid_id=bid.bid_id, vendor_id=bid.vendor_id, price=content.price, received_at=bid.received_at,
            vendor_name=await vendor_name(pool, bid.vendor_id, now),
            acknowledged_addendum=bid.acknowledged_addendum,
            counts=bid.acknowledged_addendum >= latest_addendum,
        ))
    return sorted(entries, key=lambda e: (e.received_at, e.bid_id))


def open_handler(executor: Executor, pool: Pool, clock: Clock, store: EventStore,
                 settings: Settings):  # noqa: ANN201 - a TimerHandler
    async def open_solicitation(timer: Timer) -> None:
        solicitation_id = timer.payload["solicitation_id"]
        state, _ = await executor.load(SOLICITATION, solicitation_id)
        if not is_due_for_opening(state, clock.now()):
            return  # cancelled, already opened, or the opening moved: a stale timer
        tabulation = await tabulate(pool, clock, store, settings, solicitation_id, state.latest_addendum)
        await executor.execute(SOLICITATION, solicitation_id, OpenSolicitation(tabulation=tabulation),
                                     SYSTEM_ACTOR, command_id=timer.timer_id)

    return open_solicitation
