"""What the diversity context contributes to the composition root."""

from infra.components import Component
from projections.diversity.api import DiversityReportController
from projections.diversity.projection import DiversityProjection

COMPONENT = Component(name="diversity", route_handlers=[DiversityReportController],
                      projections=lambda civic: [DiversityProjection()])
