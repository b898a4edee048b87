"""The notification senders as workers of ``civic serve`` and ``civic mailer``: the
email outbox to SMTP (the embedded server when ``CIVIC_SMTP_URL`` is unset) and the
webhook outbox to subscribers.

The mail sender runs on an event loop of its own, in a thread, with its own small pool:
in ``civic serve`` the main loop also carries the API, the relay and every runner, and a
sender whose every SMTP reply and commit waits for a turn there sends a fan-out of ten
thousand mails at a fraction of the server's pace (and slows the API meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Mapping
from typing import Any

from infra import db
from infra.clock import Clock, DevClock
from infra.components import Worker
from infra.settings import Settings
from infra.smtp_server import SmtpServer, mail_folder
from services.notifications.mail import SmtpTransport
from services.notifications.mailer import Mailer
from services.notifications.settings import NotificationSettings, smtp_target
from services.notifications.webhook_sender import WebhookSender

log = logging.getLogger("civic.mailer")

#: SMTP connections one sender keeps open
CONNECTIONS = 4


def mailer_for(civic: Any, url: str, connections: int = CONNECTIONS) -> Mailer:
    target = smtp_target(url)
    return Mailer(civic.pool, civic.clock, civic.settings,
                  [SmtpTransport(target) for _ in range(connections)])


async def run_mailer(civic: Any, stop: asyncio.Event) -> None:
    config = NotificationSettings.of(civic.settings)
    server = None
    url = config.smtp_url
    if url is None:
        server = SmtpServer(mail_folder(civic.settings.data_dir)).start()
        url = server.url
    stopping = threading.Event()
    thread = threading.Thread(target=lambda: asyncio.run(_send_mail(civic.settings, url, stopping)),
                              name="civic-mailer", daemon=True)
    thread.start()
    try:
        while thread.is_alive() and not stop.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.5):
                    await stop.wait()
    finally:
        stopping.set()
        await asyncio.to_thread(thread.join, 15)
        if server is not None:
            server.stop()


async def _send_mail(settings: Settings, url: str, stopping: threading.Event) -> None:
    """The mail sender on this thread's loop, until ``stopping`` is set."""
    stop = asyncio.Event()

    async def watch() -> None:
        while not stopping.is_set():  # noqa: ASYNC110 - the flag is set from another thread
            await asyncio.sleep(0.1)
        stop.set()

    watcher = asyncio.create_task(watch())
    delay = 0.5
    while not stop.is_set():
        try:
            pool = await db.create_pool(settings.database_url or "", min_size=1, max_size=CONNECTIONS + 2)
        except Exception as exc:  # noqa: BLE001 - the database may not be up yet
            log.warning("mailer: database not reachable (%s); retrying", exc)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await stop.wait()
            delay = min(delay * 2, 10.0)
            continue
        try:
            clock: Clock = DevClock(pool) if settings.dev_clock else Clock()
            await Mailer(pool, clock, settings, [SmtpTransport(smtp_target(url)) for _ in range(CONNECTIONS)]
                         ).run(stop)
        finally:
            await pool.close()
    await watcher


def workers(civic: Any) -> Mapping[str, Worker]:
    return {
        "notifications.mailer": lambda stop: run_mailer(civic, stop),
        "notifications.webhooks": lambda stop: WebhookSender(civic).run(stop),
    }
