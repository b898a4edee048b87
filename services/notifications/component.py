"""What the notifications context contributes to the composition root."""

from litestar.datastructures import State
from litestar.di import Provide

from infra.components import Component
from services.notifications.api import (
    PreferencesController,
    UnsubscribeController,
    WebhookController,
)
from services.notifications.readmodel import OutboxProjection
from services.notifications.senders import workers
from services.notifications.status import outbox_status



def _civic(state: State) -> object:
    # The notification routes still take the whole container (to be narrowed like the others).
    return state.civic


COMPONENT = Component(
    name="notifications",
    route_handlers=[PreferencesController, UnsubscribeController, WebhookController],
    projections=lambda civic: [OutboxProjection()],
    workers=workers,
    status=outbox_status,
    dependencies={"civic": Provide(_civic, sync_to_thread=False)},
)
