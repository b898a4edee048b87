"""What the agencies context contributes to the composition root."""

from infra.components import Component
from services.agencies.api import AgencyController
from services.agencies.readmodel import AgencyFactsProjection

COMPONENT = Component(name="agencies", route_handlers=[AgencyController],
                      projections=lambda civic: [AgencyFactsProjection()])
