"""What the notifications context contributes to the composition root."""

from infra.components import Component
from services.notifications.api import (
    PreferencesController,
    UnsubscribeController,
    WebhookController,
)
from services.notifications.readmodel import OutboxProjection, forget_person
from services.notifications.senders import workers
from services.notifications.status import OUTBOXES

COMPONENT = Component(
    name="notifications",
    route_handlers=[PreferencesController, UnsubscribeController, WebhookController],
    projections=lambda civic: [OutboxProjection()],
    workers=workers,
    outboxes=OUTBOXES,
    forget=forget_person,
)
