"""Open data: every contracting process published as OCDS 1.1.5 releases and records."""

from infra.components import Component
from projections.ocds.api import OcdsController
from projections.ocds.projection import OcdsProjection

COMPONENT = Component(
    name="ocds",
    route_handlers=[OcdsController],
    projections=lambda civic: [OcdsProjection(civic.settings.ocid_prefix)],
)
