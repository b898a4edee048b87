"""What the records context contributes to the composition root."""

from infra.components import Component, PeriodicJob
from services.records.api import RecordsController
from services.records.chain import take_checkpoint
from services.records.readmodel import ProcessStreamsProjection
from services.records.settings import SETTINGS

COMPONENT = Component(
    name="records",
    route_handlers=[RecordsController],
    projections=lambda civic: [ProcessStreamsProjection()],
    periodic=lambda civic: [PeriodicJob("records.checkpoint", SETTINGS.checkpoint_interval_s,
                                        lambda: take_checkpoint(civic.pool))],
)
