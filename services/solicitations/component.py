"""What the solicitations context contributes to the composition root."""

from infra.components import Component
from services.solicitations.api import SolicitationController, criteria_library
from services.solicitations.award_reactor import FollowAwards
from services.solicitations.closing import close_handler
from services.solicitations.decider import CLOSE_TIMER
from services.solicitations.delivery import DeliverNotices
from services.solicitations.follows_api import FollowController, list_notices
from services.solicitations.notices import NoticesProjection

COMPONENT = Component(
    name="solicitations",
    route_handlers=[SolicitationController, criteria_library, FollowController, list_notices],
    projections=lambda civic: [NoticesProjection()],
    reactors=lambda civic: [FollowAwards(civic), DeliverNotices(civic)],
    timer_handlers=lambda civic: {CLOSE_TIMER: close_handler(civic)},
)
