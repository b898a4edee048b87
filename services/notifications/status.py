"""The outboxes' depth and their oldest undelivered item, for ``civic status``."""

from __future__ import annotations

from typing import Any


async def outbox_status(civic: Any) -> dict[str, Any]:
    now = civic.clock.now()
    mail = await civic.pool.fetchrow(
        "SELECT count(*) AS depth, min(deliver_after) AS oldest, count(*) FILTER (WHERE attempts > 0) AS retrying"
        " FROM notify_outbox WHERE status = 'pending' AND deliver_after <= $1", now)
    later = await civic.pool.fetchval(
        "SELECT count(*) FROM notify_outbox WHERE status = 'pending' AND deliver_after > $1", now)
    hooks = await civic.pool.fetchrow(
        "SELECT count(*) AS depth, min(occurred_at) AS oldest FROM notify_deliveries WHERE status = 'pending'")
    return {
        "mail_outbox_depth": mail["depth"],
        "mail_oldest_undelivered": mail["oldest"].isoformat() if mail["oldest"] else None,
        "mail_retrying": mail["retrying"],
        "mail_scheduled": later,
        "webhook_outbox_depth": hooks["depth"],
        "webhook_oldest_undelivered": hooks["oldest"].isoformat() if hooks["oldest"] else None,
    }
