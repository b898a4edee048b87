"""What the vendors context contributes to the composition root."""

from infra.components import Component
from services.vendors.api import VendorController
from services.vendors.exclusion_flags import ExclusionFlagger
from services.vendors.exclusions_api import ExclusionController
from services.vendors.expiry import timer_handlers

COMPONENT = Component(
    name="vendors",
    route_handlers=[VendorController, ExclusionController],
    reactors=lambda civic: [ExclusionFlagger(civic)],
    timer_handlers=timer_handlers,
)
