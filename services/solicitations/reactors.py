"""The solicitations service's reactors.

- Its status follows the award decision (events of the awards context, matched by class
  from ``events.awards``, so this service does not depend on the awards package).
Mail about notices is the notifications context's (``services/notifications``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.awards import AwardFinalized, EvaluationStarted, SolicitationUnsuccessful
from infra.eventstore import RecordedEvent
from kernel.context import SYSTEM_ACTOR
from projections.base import types_of
from services.solicitations.commands import RecordAward, RecordUnsuccessful, StartEvaluation
from services.solicitations.deciders.solicitation import SOLICITATION

if TYPE_CHECKING:
    from infra.container import Civic


class FollowAwards:
    name = "solicitations.follow_awards"
    types: frozenset[str] | None = types_of(EvaluationStarted, AwardFinalized, SolicitationUnsuccessful)

    def __init__(self, civic: Civic) -> None:
        self.civic = civic

    async def react(self, recorded: RecordedEvent) -> None:
        event = recorded.event
        command: StartEvaluation | RecordAward | RecordUnsuccessful
        match event:
            case EvaluationStarted():
                command = StartEvaluation()
            case AwardFinalized():
                command = RecordAward(award_id=event.award_id, vendor_id=event.vendor_id, value=event.value)
            case SolicitationUnsuccessful():
                command = RecordUnsuccessful(reason=event.reason)
            case _:
                return
        await self.civic.executor.execute(SOLICITATION, event.solicitation_id, command, SYSTEM_ACTOR,
                                          command_id=f"{self.name}:{recorded.event_id}",
                                          causation_id=recorded.event_id)

