"""What the contracts context contributes to the composition root."""

from infra.components import Component
from services.contracts.api import ContractController, ContractPhasesController
from services.contracts.reactors import ContractOpener
from services.contracts.readmodel import ContractRegisterProjection
from services.contracts.timers import timer_handlers

COMPONENT = Component(
    name="contracts",
    route_handlers=[ContractController, ContractPhasesController],
    projections=lambda civic: [ContractRegisterProjection()],
    reactors=lambda civic: [ContractOpener(civic)],
    timer_handlers=lambda civic: timer_handlers(civic.executor),
)
