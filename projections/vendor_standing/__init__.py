"""Vendor standing: who may bid and be awarded, with certifications and exclusions.

Read by other services through ``projections.vendor_standing.queries``.
"""

from infra.components import Component
from projections.vendor_standing.projection import VendorStandingProjection

COMPONENT = Component(name="vendor_standing", projections=lambda civic: [VendorStandingProjection()])
