"""Supplier-diversity reporting: utilization, participation and goals by program."""

from infra.components import Component
from projections.diversity.api import DiversityReportController
from projections.diversity.projection import DiversityProjection

COMPONENT = Component(name="diversity", route_handlers=[DiversityReportController],
                      projections=lambda civic: [DiversityProjection()])
