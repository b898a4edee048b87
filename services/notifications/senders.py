"""The notification senders as workers of ``civic serve`` and ``civic mailer``: the
email outbox to SMTP (the embedded server when ``CIVIC_SMTP_URL`` is unset) and the
webhook outbox to subscribers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from infra.components import Worker
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
    try:
        await mailer_for(civic, url).run(stop)
    finally:
        if server is not None:
            server.stop()


def workers(civic: Any) -> Mapping[str, Worker]:
    return {
        "notifications.mailer": lambda stop: run_mailer(civic, stop),
        "notifications.webhooks": lambda stop: WebhookSender(civic).run(stop),
    }
