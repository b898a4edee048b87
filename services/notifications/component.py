"""What the notifications context contributes to the composition root."""

from infra.components import Component
from services.notifications.api import (
    PreferencesController,
    UnsubscribeController,
    WebhookController,
)
from services.notifications.readmodel import OutboxProjection
from services.notifications.senders import workers
from services.notifications.status import outbox_status

COMPONENT = Component(
    name="notifications",
    route_handlers=[PreferencesController, UnsubscribeController, WebhookController],
    projections=lambda civic: [OutboxProjection()],
    workers=workers,
    status=outbox_status,
    # mail not yet accepted by the SMTP server (``civic status`` shows the same)
    outboxes={"mail": "SELECT count(*), extract(epoch FROM $1::timestamptz - min(created_at))"
              " FROM notify_outbox WHERE status = 'pending'"},
)
