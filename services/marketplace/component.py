"""What the marketplace contributes to the composition root."""

from infra.components import Component
from services.marketplace.api import (
    MarketplaceController,
    ParticipantsController,
    PurchaseOrderController,
    QuoteRequestController,
)
from services.marketplace.readmodel.listing import MarketplaceListing
from services.marketplace.readmodel.orders import PurchaseOrderIndex

COMPONENT = Component(
    name="marketplace",
    route_handlers=[MarketplaceController, ParticipantsController, PurchaseOrderController, QuoteRequestController],
    projections=lambda civic: [PurchaseOrderIndex(), MarketplaceListing()],
)
