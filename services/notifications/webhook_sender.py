"""Delivers the webhook outbox: signed POSTs, at least once, in order per subscription
and stream (only the oldest undelivered delivery of a stream is ever in flight).

A failure (no answer, non-2xx) is retried with exponential backoff; once a delivery has
failed for longer than ``RETRY_HORIZON`` it is given up and the subscription disabled,
which tells its owner by mail (the notice is decided from ``WebhookDisabled``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import msgspec

from kernel.context import SYSTEM_ACTOR
from services.notifications.commands import DisableSubscription
from services.notifications.deciders.webhooks import WEBHOOK
from services.notifications.mailer import LEASE, backoff
from services.notifications.signing import DELIVERY_HEADER, EVENT_HEADER, HEADER, sign

log = logging.getLogger("civic.webhooks")

RETRY_HORIZON = timedelta(hours=24)
FIRST_RETRY = timedelta(seconds=10)
LONGEST_RETRY = timedelta(hours=1)

_CLAIM = """
WITH due AS (
    SELECT d.delivery_id FROM notify_deliveries d JOIN notify_webhooks w USING (subscription_id)
    WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND w.status = 'active'
      AND NOT EXISTS (SELECT 1 FROM notify_deliveries e WHERE e.subscription_id = d.subscription_id
                      AND e.stream_id = d.stream_id AND e.status = 'pending' AND e.seq < d.seq)
    ORDER BY d.seq LIMIT $2 FOR UPDATE OF d SKIP LOCKED)
UPDATE notify_deliveries d SET next_attempt_at = $1 + $3::interval, attempts = d.attempts + 1,
       first_attempt_at = coalesce(d.first_attempt_at, $1)
FROM due, notify_webhooks w, notify_webhook_secrets s
WHERE d.delivery_id = due.delivery_id AND w.subscription_id = d.subscription_id
  AND s.subscription_id = d.subscription_id
RETURNING d.delivery_id, d.subscription_id, d.kind, d.body, d.attempts, d.first_attempt_at, w.url, s.secret
"""

_LOG = ("INSERT INTO notify_attempts (notice_id, channel, at, outcome, detail)"
        " VALUES ($1, 'webhook', $2, $3, $4)")


class WebhookSender:
    def __init__(self, civic: Any, *, timeout_s: float = 10.0, batch_size: int = 100) -> None:
        self.civic = civic
        self.pool: asyncpg.Pool = civic.pool
        self.timeout_s = timeout_s
        self.batch_size = batch_size
        self.client = httpx.AsyncClient(timeout=timeout_s, follow_redirects=False)

    async def deliver_due(self) -> int:
        await self.civic.clock.refresh()
        now = self.civic.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(_CLAIM, now, self.batch_size, LEASE)
        # Different streams go in parallel; each claimed row is the head of its stream.
        await asyncio.gather(*(self._deliver(row, now) for row in rows))
        return len(rows)

    async def _deliver(self, row: Any, now: datetime) -> None:
        body = {**msgspec.json.decode(row["body"]), "delivery_id": row["delivery_id"]}
        payload = msgspec.json.encode(body)
        headers = {"Content-Type": "application/json", HEADER: sign(row["secret"], int(time.time()), payload),
                   DELIVERY_HEADER: row["delivery_id"], EVENT_HEADER: row["kind"],
                   "User-Agent": "civic-marketplace-webhooks/1"}
        status: int | None = None
        try:
            response = await self.client.post(row["url"], content=payload, headers=headers)
            status = response.status_code
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        if error is None:
            await self.pool.execute(
                "UPDATE notify_deliveries SET status = 'delivered', delivered_at = $2, last_status = $3,"
                " last_error = NULL WHERE delivery_id = $1", row["delivery_id"], now, status)
            await self.pool.execute(_LOG, row["delivery_id"], now, "delivered", str(status))
            return
        await self.pool.execute(_LOG, row["delivery_id"], now, "failed", error)
        if now - row["first_attempt_at"] >= RETRY_HORIZON:
            await self.pool.execute(
                "UPDATE notify_deliveries SET status = 'failed', last_status = $2, last_error = $3"
                " WHERE delivery_id = $1", row["delivery_id"], status, error)
            await self.civic.executor.execute(
                WEBHOOK, row["subscription_id"],
                DisableSubscription(reason=f"delivery {row['delivery_id']} failed for 24 hours: {error}"),
                SYSTEM_ACTOR, command_id=f"webhooks.disable:{row['subscription_id']}")
            return
        await self.pool.execute(
            "UPDATE notify_deliveries SET next_attempt_at = $2, last_status = $3, last_error = $4"
            " WHERE delivery_id = $1", row["delivery_id"],
            now + backoff(row["attempts"], FIRST_RETRY, LONGEST_RETRY), status, error)

    async def run(self, stop: asyncio.Event, idle_s: float = 0.5) -> None:
        try:
            while not stop.is_set():
                busy = 0
                try:
                    busy = await self.deliver_due()
                except Exception as exc:  # noqa: BLE001 - the database may be restarting
                    log.warning("webhooks: %s", exc)
                if busy:
                    continue
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(idle_s):
                        await stop.wait()
        finally:
            await self.client.aclose()
