"""What the ocds context contributes to the composition root."""

from infra.components import Component
from projections.ocds.api import OcdsController
from projections.ocds.projection import OcdsProjection

COMPONENT = Component(
    name="ocds",
    route_handlers=[OcdsController],
    projections=lambda civic: [OcdsProjection(civic.settings.ocid_prefix, civic.settings.base_url)],
)
