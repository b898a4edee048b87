"""What the bids context contributes to the composition root."""

from infra.components import Component
from services.bids.api import BidController, SolicitationBidsController
from services.bids.reactors import UnsealOnOpening
from services.bids.timers import open_handler
from services.solicitations.deciders.solicitation import OPEN_TIMER

COMPONENT = Component(
    name="bids",
    route_handlers=[SolicitationBidsController, BidController],
    reactors=lambda civic: [UnsealOnOpening(civic)],
    timer_handlers=lambda civic: {OPEN_TIMER: open_handler(civic)},
)
