"""What the vendors context contributes to the composition root."""

from infra.components import Component
from services.vendors.api import ExclusionController, VendorController
from services.vendors.reactors import ExclusionFlagger
from services.vendors.readmodel import VendorStandingProjection
from services.vendors.timers import timer_handlers

COMPONENT = Component(
    name="vendors",
    route_handlers=[VendorController, ExclusionController],
    projections=lambda civic: [VendorStandingProjection()],
    reactors=lambda civic: [ExclusionFlagger(civic)],
    timer_handlers=lambda civic: timer_handlers(civic.executor),
)
