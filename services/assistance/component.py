"""What the assistance context contributes to the composition root."""

from infra.components import Component
from services.assistance.api import OpportunitiesController, SolicitationAssistanceController
from services.assistance.readmodel import AssistanceProjection

COMPONENT = Component(
    name="assistance",
    route_handlers=[OpportunitiesController, SolicitationAssistanceController],
    projections=lambda civic: [AssistanceProjection()],
)
