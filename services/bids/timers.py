"""The bid opening. Only the bids service holds the bid key, so it performs the opening
the solicitation's opening timer asks for: it unseals the active bids, builds the
tabulation and records ``SolicitationOpened``."""

from __future__ import annotations

from typing import Any

from events.solicitations import TabulationEntry
from kernel.context import SYSTEM_ACTOR
from kernel.timers import Timer
from services.bids.readmodel import bids_of_solicitation, vendor_name
from services.bids.sealing import vault_for
from services.solicitations.commands import OpenSolicitation
from services.solicitations.deciders.solicitation import SOLICITATION, is_due_for_opening


async def tabulate(civic: Any, solicitation_id: str, latest_addendum: int) -> list[TabulationEntry]:
    """The active bids, unsealed, in the order they were received."""
    vault = vault_for(civic.settings)
    now = civic.clock.now()
    entries = []
    for bid in await bids_of_solicitation(civic.store, solicitation_id):
        if not bid.active or bid.received_at is None:
            continue
        content = vault.unseal(bid.sealed, bid_id=bid.bid_id, solicitation_id=solicitation_id,
                               vendor_id=bid.vendor_id)
        entries.append(TabulationEntry(
            bid_id=bid.bid_id, vendor_id=bid.vendor_id, price=content.price, received_at=bid.received_at,
            vendor_name=await vendor_name(civic.pool, bid.vendor_id, now),
            acknowledged_addendum=bid.acknowledged_addendum,
            counts=bid.acknowledged_addendum >= latest_addendum,
        ))
    return sorted(entries, key=lambda e: (e.received_at, e.bid_id))


def open_handler(civic: Any):  # noqa: ANN201 - a TimerHandler
    async def open_solicitation(timer: Timer) -> None:
        solicitation_id = timer.payload["solicitation_id"]
        state, _ = await civic.executor.load(SOLICITATION, solicitation_id)
        if not is_due_for_opening(state, civic.clock.now()):
            return  # cancelled, already opened, or the opening moved: a stale timer
        tabulation = await tabulate(civic, solicitation_id, state.latest_addendum)
        await civic.executor.execute(SOLICITATION, solicitation_id, OpenSolicitation(tabulation=tabulation),
                                     SYSTEM_ACTOR, command_id=timer.timer_id)

    return open_solicitation
