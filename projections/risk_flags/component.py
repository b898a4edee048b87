"""What the risk-flags read model contributes to the composition root."""

from infra.components import Component
from projections.risk_flags.api import RiskFlagController
from projections.risk_flags.projection import RiskFlagsProjection

COMPONENT = Component(
    name="risk_flags",
    route_handlers=[RiskFlagController],
    projections=lambda civic: [RiskFlagsProjection()],
)
