"""Supplier-diversity reporting: utilization, participation and goals by program."""

from infra.components import Component
from projections.diversity.projection import DiversityProjection

COMPONENT = Component(name="diversity", projections=lambda civic: [DiversityProjection()])
