"""What the activity context contributes to the composition root."""

from infra.components import Component
from projections.activity.api import ActivityController
from projections.activity.projection import ActivityProjection

COMPONENT = Component(name="activity", route_handlers=[ActivityController],
                      projections=lambda civic: [ActivityProjection()])
