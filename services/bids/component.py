"""What the bids context contributes to the composition root."""

from infra.components import Component
from services.bids.api import BidController, SolicitationBidsController
from services.bids.opening import UnsealOnOpening, open_handler
from services.solicitations.decider import OPEN_TIMER

COMPONENT = Component(
    name="bids",
    route_handlers=[SolicitationBidsController, BidController],
    reactors=lambda civic: [UnsealOnOpening(civic)],
    timer_handlers=lambda civic: {OPEN_TIMER: open_handler(civic)},
)
