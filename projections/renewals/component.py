"""What the renewal pipeline contributes to the composition root."""

from infra.components import Component
from projections.renewals.api import RenewalsReportController

COMPONENT = Component(name="renewals", route_handlers=[RenewalsReportController])
