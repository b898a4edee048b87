"""What the solicitations context contributes to the composition root."""

from infra.components import Component
from services.solicitations.api import (
    FollowController,
    SolicitationController,
    criteria_library,
    list_notices,
)
from services.solicitations.deciders.solicitation import CLOSE_TIMER, OPEN_TIMER
from services.solicitations.reactors import FollowAwards
from services.solicitations.readmodel.facts import SolicitationFactsProjection
from services.solicitations.readmodel.listing import SolicitationListProjection
from services.solicitations.readmodel.notices import NoticesProjection
from services.solicitations.timers import close_handler, open_handler

COMPONENT = Component(
    name="solicitations",
    route_handlers=[SolicitationController, criteria_library, FollowController, list_notices],
    projections=lambda civic: [SolicitationFactsProjection(), NoticesProjection(), SolicitationListProjection()],
    reactors=lambda civic: [FollowAwards(civic)],
    timer_handlers=lambda civic: {
        CLOSE_TIMER: close_handler(civic.executor),
        OPEN_TIMER: open_handler(civic.executor, civic.pool, civic.clock, civic.settings),
    },
)
