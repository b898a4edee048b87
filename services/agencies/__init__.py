"""Agencies: the buying organisations, their jurisdiction and supplier-diversity goals.

This is the smallest service and the pattern the others follow.
"""

from infra.components import Component
from services.agencies.api import AgencyController

COMPONENT = Component(name="agencies", route_handlers=[AgencyController])
