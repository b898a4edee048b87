"""The activity log: every event as who did what to which stream and when, for auditors."""

from infra.components import Component
from projections.activity.api import ActivityController
from projections.activity.projection import ActivityProjection

COMPONENT = Component(name="activity", route_handlers=[ActivityController],
                      projections=lambda civic: [ActivityProjection()])
