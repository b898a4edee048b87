"""What the bids context contributes to the composition root."""

from infra.components import Component
from services.bids.api import BidController, SolicitationBidsController
from services.bids.reactors import UnsealOnOpening
from services.bids.readmodel import BidFactsProjection

COMPONENT = Component(
    name="bids",
    route_handlers=[SolicitationBidsController, BidController],
    projections=lambda civic: [BidFactsProjection()],
    reactors=lambda civic: [UnsealOnOpening(civic)],
)
