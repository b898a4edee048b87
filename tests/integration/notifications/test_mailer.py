"""The sender against a real SMTP server (aiosmtpd on loopback): a server that is down
delays mail and loses none; a 5xx reply bounces the address; held digests go out as one."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from infra import db
from infra.clock import Clock
from infra.embedded import free_port
from infra.smtp_server import SmtpServer
from services.notifications.senders import mailer_for
from services.notifications.tokens import read_unsubscribe_token
from tests.integration.notifications.support import seed


class _Civic:
    def __init__(self, pool, settings) -> None:
        self.pool, self.settings, self.clock = pool, settings, Clock()


class _Later(Clock):
    """The system clock moved ahead, as time passes for retries."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.ahead


async def test_a_server_that_is_down_delays_mail_and_loses_none(isolated, tmp_path):
    settings = await isolated()
    ids = await seed(settings.database_url, 20, datetime.now(UTC))
    pool = await db.create_pool(settings.database_url, min_size=1, max_size=4)
    try:
        civic = _Civic(pool, settings)
        port = free_port()
        mailer = mailer_for(civic, f"smtp://127.0.0.1:{port}")
        clock = mailer.clock = _Later()
        assert await mailer.deliver_due() == 20  # nothing listens: every one is retried later
        rows = await pool.fetch("SELECT status, attempts, next_attempt_at FROM notify_outbox")
        assert {r["status"] for r in rows} == {"pending"} and {r["attempts"] for r in rows} == {1}
        assert all(r["next_attempt_at"] > datetime.now(UTC) for r in rows)
        assert await mailer.deliver_due() == 0, "not before the backoff"
        retries = await pool.fetchval("SELECT count(*) FROM notify_attempts WHERE outcome = 'retry'")
        assert retries == 20

        server = SmtpServer(tmp_path / "mail", port=port).start()
        try:
            clock.ahead = timedelta(minutes=5)
            assert await mailer.deliver_due() == 20
            stored = {m.message()["X-Civic-Notice"] for m in server.store.all()}
            assert stored == set(ids)
            assert await pool.fetchval("SELECT count(*) FROM notify_outbox WHERE status = 'sent'") == 20
        finally:
            for transport in mailer.transports:
                await transport.close()
            server.stop()
    finally:
        await pool.close()


async def test_a_permanent_refusal_bounces_the_address_and_stops_mail_to_it(isolated, tmp_path):
    settings = await isolated()
    now = datetime.now(UTC)
    await seed(settings.database_url, 3, now, prefix="ok")
    await seed(settings.database_url, 2, now, prefix="gone", domain="nowhere.example")
    server = SmtpServer(tmp_path / "mail", refuse=lambda rcpt: 550 if rcpt.endswith("nowhere.example") else None)
    server.start()
    pool = await db.create_pool(settings.database_url, min_size=1, max_size=4)
    try:
        mailer = mailer_for(_Civic(pool, settings), server.url)
        assert await mailer.deliver_due() == 5
        statuses = dict(await pool.fetch("SELECT notice_id, status FROM notify_outbox"))
        assert sorted(statuses.values()) == ["bounced", "bounced", "sent", "sent", "sent"]
        bounced = await pool.fetch("SELECT address, reply FROM notify_bounces ORDER BY address")
        assert [b["address"] for b in bounced] == ["goneuser0@nowhere.example", "goneuser1@nowhere.example"]
        assert bounced[0]["reply"].startswith("550")
        assert len(server.store.all()) == 3
        await pool.execute(
            "INSERT INTO notify_outbox (notice_id, kind, recipient, vars, deliver_after, next_attempt_at)"
            " VALUES ('again', 'opportunity', 'goneuser0', '{}', $1, $1)", now)
        assert await mailer.deliver_due() == 1
        assert await pool.fetchval("SELECT status FROM notify_outbox WHERE notice_id = 'again'") == "bounced"
        for transport in mailer.transports:
            await transport.close()
    finally:
        server.stop()
        await pool.close()


async def test_digest_kinds_are_held_and_sent_as_one_mail_the_next_day(isolated, tmp_path):
    settings = await isolated()
    yesterday = datetime.now(UTC) - timedelta(days=1)
    await seed(settings.database_url, 3, yesterday, prefix="d")
    pool = await db.create_pool(settings.database_url, min_size=1, max_size=4)
    server = SmtpServer(tmp_path / "mail").start()
    try:
        await pool.execute("UPDATE notify_outbox SET recipient = 'duser0'")
        await pool.execute("UPDATE notify_preferences SET modes = '{\"opportunity\": \"digest\"}', language = 'es'"
                           " WHERE sub = 'duser0'")
        mailer = mailer_for(_Civic(pool, settings), server.url)
        assert await mailer.deliver_due() == 3
        assert await pool.fetchval("SELECT count(*) FROM notify_outbox WHERE status = 'held'") == 3
        assert server.store.all() == []
        await mailer.flush_digests()
        assert await mailer.deliver_due() == 1
        [mail] = server.store.all()
        msg = mail.message()
        assert msg["Subject"] == "Su resumen diario: 3 avisos" and str(msg["To"]) == "duser0@example.org"
        plain = msg.get_body(preferencelist=("plain",)).get_content()
        assert plain.count("Road salt") >= 3
        # RFC 8058 like every notice that can be switched off: the link stops the daily digest
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = re.fullmatch(r"<(.+/api/v1/unsubscribe/([^/]+))>", msg["List-Unsubscribe"])
        assert link is not None and link.group(1) in plain
        assert read_unsubscribe_token(settings, link.group(2)) == ("duser0", "digest")
        await mailer.flush_digests()
        assert await mailer.deliver_due() == 0, "each held notice is in one digest only"

        # held, then switched off before the next digest: not sent in it
        await pool.execute(
            "INSERT INTO notify_outbox (notice_id, kind, recipient, vars, deliver_after, next_attempt_at)"
            " VALUES ('later', 'opportunity', 'duser0', '{}', $1, $1)", yesterday)
        assert await mailer.deliver_due() == 1
        await pool.execute("UPDATE notify_preferences SET modes = '{\"opportunity\": \"off\"}' WHERE sub = 'duser0'")
        await mailer.flush_digests()
        assert await mailer.deliver_due() == 0
        assert await pool.fetchval("SELECT status FROM notify_outbox WHERE notice_id = 'later'") == "suppressed"
        assert len(server.store.all()) == 1

        # held after the day's first digest (a sender that was behind): a second digest
        await pool.execute("UPDATE notify_preferences SET modes = '{\"opportunity\": \"digest\"}' WHERE sub = 'duser0'")
        await pool.execute(
            "INSERT INTO notify_outbox (notice_id, kind, recipient, vars, deliver_after, next_attempt_at)"
            " VALUES ('late', 'opportunity', 'duser0', $2::jsonb, $1, $1)", yesterday,
            '{"title": "Late road salt", "agency": "City of Springfield"}')
        assert await mailer.deliver_due() == 1
        await mailer.flush_digests()
        assert await mailer.deliver_due() == 1
        assert await pool.fetchval("SELECT status FROM notify_outbox WHERE notice_id = 'late'") == "digested"
        second = [m.message() for m in server.store.all() if "Late road salt" in m.path.read_text()]
        assert len(second) == 1 and second[0]["Subject"] == "Su resumen diario: 1 avisos"
        for transport in mailer.transports:
            await transport.close()
    finally:
        server.stop()
        await pool.close()
