"""What the spend analytics contribute to the composition root."""

from infra.components import Component
from projections.spend.api import ForecastController, SpendReportController
from projections.spend.projection import SpendProjection

COMPONENT = Component(name="spend", route_handlers=[SpendReportController, ForecastController],
                      projections=lambda civic: [SpendProjection()])
