"""What other contexts may know of notifications: how far the mail decided so far has gone
(the demo waits for it, so that a new user finds the marketplace's mail in the embedded
SMTP server before ``civic demo`` exits)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from infra.outboxes import measure
from infra.settings import Settings
from services.notifications.readmodel import OUTBOX_PROJECTION, OutboxProjection
from services.notifications.settings import NotificationSettings
from services.notifications.status import MAIL

# Events after the projection's checkpoint that it reads (the runner moves its checkpoint
# past the others as they go by).
_UNDECIDED = """
SELECT count(*) FROM events e
WHERE e.type = ANY($2::text[])
  AND (e.transaction_id, e.position) > (
      coalesce((SELECT c.transaction_id FROM projection_checkpoints c WHERE c.name = $1), '0'::xid8),
      coalesce((SELECT c.position FROM projection_checkpoints c WHERE c.name = $1), 0))
"""


class MailProgress(msgspec.Struct, frozen=True, kw_only=True):
    #: events the outbox projection has not yet read (notices not yet decided)
    undecided_events: int
    #: mail due and not yet accepted by the SMTP server
    waiting: int
    #: mail the SMTP server accepted
    sent: int

    @property
    def settled(self) -> bool:
        return self.undecided_events == 0 and self.waiting == 0


async def mail_progress(pool: Any, now: datetime) -> MailProgress:
    undecided = await pool.fetchval(_UNDECIDED, OUTBOX_PROJECTION, sorted(OutboxProjection.types or ()))
    waiting = await measure(pool, MAIL, now)
    sent = await pool.fetchval("SELECT count(*) FROM notify_outbox WHERE status = 'sent'")
    return MailProgress(undecided_events=undecided, waiting=waiting.depth, sent=sent)


def uses_embedded_smtp(settings: Settings) -> bool:
    """Whether mail goes to the embedded SMTP server (no ``CIVIC_SMTP_URL``), where
    ``civic mail list`` reads it."""
    return NotificationSettings.of(settings).smtp_url is None
