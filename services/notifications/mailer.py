"""The sender: delivers due rows of the email outbox.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` and leased (``next_attempt_at`` moved a
minute ahead) in one short transaction, so any number of senders share the work and a
sender that dies mid-batch leaves its rows to be claimed again once the lease ends. Each
mail's outcome is committed as soon as the server answers. A temporary failure (server
down, 4xx) is retried with exponential backoff; a 5xx reply marks the address bounced.
Preferences are applied here: a kind switched off is suppressed, a digest kind is held
for the recipient's daily digest (legal notices are always sent at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any, Protocol

import asyncpg
import msgspec

from infra.settings import Settings
from services.notifications.kinds import ALWAYS_SENT, DIGEST, DIGEST_LIST, OFF
from services.notifications.mail import Mail, build_message, is_permanent
from services.notifications.settings import NotificationSettings
from services.notifications.templates import render, render_digest
from services.notifications.tokens import unsubscribe_token

log = logging.getLogger("civic.mailer")

LEASE = timedelta(seconds=60)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


def backoff(attempts: int, first: timedelta = FIRST_RETRY, longest: timedelta = LONGEST_RETRY) -> timedelta:
    """The wait after the ``attempts``-th failure: doubling from ``first``, capped."""
    return min(first * (2 ** max(attempts - 1, 0)), longest)


class Transport(Protocol):
    async def send(self, mail: Mail) -> None: ...
    async def close(self) -> None: ...


_CLAIM = """
WITH due AS (
    SELECT notice_id FROM notify_outbox
    WHERE status = 'pending' AND next_attempt_at <= $1
    ORDER BY next_attempt_at, notice_id LIMIT $2 FOR UPDATE SKIP LOCKED)
UPDATE notify_outbox o SET next_attempt_at = $1 + $3::interval, attempts = o.attempts + 1
FROM due WHERE o.notice_id = due.notice_id
RETURNING o.notice_id, o.kind, o.recipient, o.legal, o.vars, o.attempts
"""

_RECIPIENTS = """
SELECT s.sub, p.email, coalesce(p.language, 'en') AS language, coalesce(p.modes, '{}') AS modes,
       (SELECT contact_email FROM notify_vendors v WHERE v.owner = s.sub AND v.contact_email IS NOT NULL
        ORDER BY v.vendor_id LIMIT 1) AS contact_email
FROM unnest($1::text[]) AS s(sub) LEFT JOIN notify_preferences p ON p.sub = s.sub
"""

_DONE = """
WITH done AS (
    UPDATE notify_outbox SET status = $2, sent_at = $3, address = $4, last_error = $5
    WHERE notice_id = $1 RETURNING notice_id)
INSERT INTO notify_attempts (notice_id, channel, at, outcome, detail)
SELECT notice_id, 'email', $6, $2, $5 FROM done
"""

_RETRY = """
WITH later AS (
    UPDATE notify_outbox SET next_attempt_at = $2, last_error = $3, address = $4
    WHERE notice_id = $1 RETURNING notice_id)
INSERT INTO notify_attempts (notice_id, channel, at, outcome, detail)
SELECT notice_id, 'email', $5, 'retry', $3 FROM later
"""

# A kind switched off since its notices were held is not sent in the next digest either.
_SUPPRESS_HELD = """
UPDATE notify_outbox o SET status = 'suppressed', last_error = 'switched off'
FROM notify_preferences p
WHERE o.status = 'held' AND p.sub = o.recipient AND p.modes ->> o.kind = 'off'
"""

# Held notices of past days become one digest per recipient, itself an outbox row. Its id
# names the notices it carries, so notices held after a first digest of the day (a sender
# that was behind) make a second digest instead of being marked as sent in the first.
_DIGESTS = """
WITH held AS (
    SELECT recipient, array_agg(notice_id ORDER BY deliver_after, notice_id) AS ids
    FROM notify_outbox WHERE status = 'held' AND deliver_after < $1::date::timestamptz
    GROUP BY recipient),
named AS (
    SELECT recipient, ids,
           'digest:' || recipient || ':' || $1::date || ':' || left(md5(array_to_string(ids, ',')), 12) AS id
    FROM held),
made AS (
    INSERT INTO notify_outbox (notice_id, kind, recipient, legal, vars, deliver_after, next_attempt_at)
    SELECT id, 'digest', recipient, true, jsonb_build_object('items', to_jsonb(ids)), $2, $2 FROM named
    ON CONFLICT (notice_id) DO NOTHING RETURNING notice_id)
UPDATE notify_outbox o SET status = 'digested', digest_id = named.id
FROM named WHERE o.notice_id = ANY(named.ids)
"""


class Recipient(msgspec.Struct, frozen=True, kw_only=True):
    sub: str
    address: str | None
    language: str
    modes: dict[str, str]


class Mailer:
    def __init__(self, pool: asyncpg.Pool, clock: Any, settings: Settings,
                 transports: list[Transport], config: NotificationSettings | None = None) -> None:
        self.pool = pool
        self.clock = clock
        self.settings = settings
        self.config = config or NotificationSettings.of(settings)
        self.transports = transports
        self.sent = 0

    async def now(self) -> datetime:
        await self.clock.refresh()
        return self.clock.now()

    async def flush_digests(self) -> None:
        now = await self.now()
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(_SUPPRESS_HELD)
            await conn.execute(_DIGESTS, now.date(), now)

    async def deliver_due(self) -> int:
        """Claim and deliver one batch; the number of rows it settled."""
        now = await self.now()
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(_CLAIM, now, self.config.batch_size, timedelta(seconds=self.config.lease_s))
        if not rows:
            return 0
        recipients = await self._recipients([r["recipient"] for r in rows])
        bounced = {r["address"] for r in await self.pool.fetch(
            "SELECT address FROM notify_bounces WHERE address = ANY($1::text[])",
            [r.address for r in recipients.values() if r.address])}
        queue: asyncio.Queue[Any] = asyncio.Queue()
        for row in rows:
            queue.put_nowait(row)
        await asyncio.gather(*(self._work(queue, t, recipients, bounced, now) for t in self.transports))
        return len(rows)

    async def _recipients(self, subs: list[str]) -> dict[str, Recipient]:
        found = {}
        for r in await self.pool.fetch(_RECIPIENTS, sorted(set(subs))):
            found[r["sub"]] = Recipient(sub=r["sub"], address=r["email"] or r["contact_email"],
                                        language=r["language"], modes=msgspec.json.decode(r["modes"]))
        return found

    async def _work(self, queue: asyncio.Queue[Any], transport: Transport, recipients: dict[str, Recipient],
                    bounced: set[str], now: datetime) -> None:
        if queue.empty():
            return
        try:
            # One connection per SMTP connection for the batch: each outcome is still its own
            # commit, without a pool round trip (and its reset query) per mail.
            async with self.pool.acquire() as conn:
                while not queue.empty():
                    row = queue.get_nowait()
                    await self._deliver(conn, row, transport, recipients[row["recipient"]], bounced, now)
        except (OSError, *_DB_ERRORS) as exc:  # the database went away: the lease brings it back
            log.warning("mailer: %s", exc)

    async def _deliver(self, conn: Any, row: Any, transport: Transport, who: Recipient, bounced: set[str],
                       now: datetime) -> None:
        kind, notice_id = row["kind"], row["notice_id"]
        switchable = not row["legal"] and kind not in ALWAYS_SENT and kind != "digest"
        mode = who.modes.get(kind, "instant") if switchable else "instant"
        if mode == OFF:
            await conn.execute(_DONE, notice_id, "suppressed", None, who.address, "switched off", now)
            return
        if mode == DIGEST:
            await conn.execute("UPDATE notify_outbox SET status = 'held' WHERE notice_id = $1", notice_id)
            return
        if not who.address:
            await conn.execute(_DONE, notice_id, "no_address", None, None, "no email address known", now)
            return
        if who.address in bounced:
            await conn.execute(_DONE, notice_id, "bounced", None, who.address, "address bounced earlier", now)
            return
        msg = await self._message(conn, row, who, now, switchable)
        try:
            await transport.send(msg)
        except Exception as exc:  # noqa: BLE001 - every failure is either permanent or retried
            permanent = is_permanent(exc)
            if permanent:
                await conn.execute(
                    "INSERT INTO notify_bounces (address, bounced_at, reply) VALUES ($1, $2, $3)"
                    " ON CONFLICT (address) DO UPDATE SET bounced_at = excluded.bounced_at, reply = excluded.reply",
                    who.address, now, permanent)
                bounced.add(who.address)
                await conn.execute(_DONE, notice_id, "bounced", None, who.address, permanent, now)
            else:
                await conn.execute(_RETRY, notice_id, now + backoff(row["attempts"]),
                                        repr(exc)[:500], who.address, now)
            return
        await conn.execute(_DONE, notice_id, "sent", now, who.address, None, now)
        self.sent += 1

    async def _message(self, conn: Any, row: Any, who: Recipient, now: datetime, switchable: bool) -> Mail:
        base = self.config.public_url
        values = msgspec.json.decode(row["vars"])
        # A digest is a list of its own (RFC 8058): its link stops the daily digest.
        listed = DIGEST_LIST if row["kind"] == "digest" else row["kind"] if switchable else None
        unsubscribe = (f"{base}/api/v1/unsubscribe/{unsubscribe_token(self.settings, who.sub, listed)}"
                       if listed else None)
        if row["kind"] == "digest":
            items = await conn.fetch(
                "SELECT kind, vars FROM notify_outbox WHERE notice_id = ANY($1::text[])"
                " ORDER BY deliver_after, notice_id", values["items"])
            entries = []
            for item in items:
                item_values = msgspec.json.decode(item["vars"])
                path = item_values.get("path")
                entries.append((item["kind"], item_values, f"{base}{path}" if path else None))
            rendered = render_digest(entries, who.language, unsubscribe=unsubscribe)
        else:
            path = values.get("path")
            rendered = render(row["kind"], values, who.language, link=f"{base}{path}" if path else None,
                              unsubscribe=unsubscribe)
        return build_message(notice_id=row["notice_id"], mail_from=self.config.mail_from, to=who.address or "",
                             rendered=rendered, language=who.language, sent_at=now, unsubscribe_url=unsubscribe)

    async def run(self, stop: asyncio.Event, idle_s: float = 0.5) -> None:
        while not stop.is_set():
            busy = 0
            try:
                await self.flush_digests()
                busy = await self.deliver_due()
            except Exception as exc:  # noqa: BLE001 - the database may be restarting
                log.warning("mailer: %s", exc)
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(idle_s):
                    await stop.wait()
        for transport in self.transports:
            with contextlib.suppress(Exception):
                await transport.close()


_DB_ERRORS = (asyncpg.PostgresConnectionError, asyncpg.InterfaceError)
