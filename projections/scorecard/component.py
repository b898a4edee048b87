"""What vendor scorecards contribute to the composition root."""

from infra.components import Component
from projections.scorecard.api import ScorecardController
from projections.scorecard.projection import ScorecardProjection

COMPONENT = Component(name="scorecard", route_handlers=[ScorecardController],
                      projections=lambda civic: [ScorecardProjection()])
