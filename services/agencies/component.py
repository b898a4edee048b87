"""What the agencies context contributes to the composition root."""

from infra.components import Component
from services.agencies.api import AgencyController

COMPONENT = Component(name="agencies", route_handlers=[AgencyController])
