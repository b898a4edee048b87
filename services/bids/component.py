"""What the bids context contributes to the composition root."""

from litestar.datastructures import State
from litestar.di import Provide

from infra.components import Component
from services.bids.api import BidController, SolicitationBidsController
from services.bids.reactors import UnsealOnOpening
from services.bids.readmodel import BidFactsProjection
from services.bids.sealing import BidVault, vault_for


def provide_vault(state: State) -> BidVault:
    """The vault of the container's master key, for the routes that seal and unseal bids."""
    return vault_for(state.civic.settings)


COMPONENT = Component(
    name="bids",
    route_handlers=[SolicitationBidsController, BidController],
    projections=lambda civic: [BidFactsProjection()],
    reactors=lambda civic: [UnsealOnOpening(civic)],
    dependencies={"vault": Provide(provide_vault, sync_to_thread=False)},
)
