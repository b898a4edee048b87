"""A sender killed mid-batch (SIGKILL): after a restart every mail reaches the SMTP
server, and its mailbox holds none twice (a mail resent after the crash carries the same
Message-ID, so it is recognisably the same mail)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime

from aiosmtpd.controller import Controller

from infra import db
from infra.embedded import free_port
from infra.smtp_server import MailStore
from tests.integration.notifications.support import seed
from tests.reliability.processes import CivicProcess, environment
from tests.support import eventually

MAILS = 400


class _SlowHandler:
    """Accepts each mail after a little while, so a kill lands mid-batch."""

    def __init__(self, store: MailStore) -> None:
        self.store = store

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(0.01)
        self.store.keep(envelope.original_content or envelope.content)
        return "250 OK"


async def test_a_sender_killed_mid_batch_delivers_every_mail_once(isolated, tmp_path):
    settings = (await isolated()).with_(data_dir=tmp_path / "data", dev_clock=False)
    ids = await seed(settings.database_url, MAILS, datetime.now(UTC))
    store = MailStore(tmp_path / "mailbox")
    port = free_port()
    controller = Controller(_SlowHandler(store), hostname="127.0.0.1", port=port)
    controller.start()
    env = environment(settings, CIVIC_SMTP_URL=f"smtp://127.0.0.1:{port}", CIVIC_MAIL_LEASE_S="2",
                      CIVIC_MAIL_BATCH="100")
    mailer = CivicProcess("mailer", ["mailer"], env)
    try:
        mailer.start()
        deadline = time.monotonic() + 60
        while len(store.receptions()) < MAILS // 4:
            assert time.monotonic() < deadline and mailer.running, mailer.log()[-2000:]
            await asyncio.sleep(0.02)
        mailer.kill()
        at_kill = len(store.receptions())
        assert at_kill < MAILS, "the kill came after the last mail: nothing was tested"
        mailer.start()

        async def all_stored() -> bool:
            return len(store.all()) >= MAILS

        await eventually(all_stored, timeout=90, what=f"{MAILS} mails in the mailbox")
        mailbox = Counter(m.message()["Message-ID"] for m in store.all())
        assert len(mailbox) == MAILS and set(mailbox.values()) == {1}
        notices = {m.message()["X-Civic-Notice"] for m in store.all()}
        assert notices == set(ids)
        # Resent at most what was in flight on the killed sender's connections.
        resent = sum(n - 1 for n in Counter(store.receptions()).values())
        assert resent <= 4, resent
        pool = await db.create_pool(settings.database_url, min_size=1, max_size=2)
        try:
            assert await pool.fetchval("SELECT count(*) FROM notify_outbox WHERE status = 'sent'") == MAILS
        finally:
            await pool.close()
    finally:
        mailer.stop()
        controller.stop()
