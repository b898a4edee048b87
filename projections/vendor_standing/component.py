"""What the vendor_standing context contributes to the composition root."""

from infra.components import Component
from projections.vendor_standing.projection import VendorStandingProjection

COMPONENT = Component(name="vendor_standing", projections=lambda civic: [VendorStandingProjection()])
