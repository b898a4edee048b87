"""What the search context contributes to the composition root."""

from infra.components import Component
from projections.search.api import SearchController
from projections.search.projection import SearchProjection

COMPONENT = Component(name="search", route_handlers=[SearchController],
                      projections=lambda civic: [SearchProjection()])
