"""The solicitation's status follows the award decision (events of the awards context,
matched by tag so this service does not depend on the awards package)."""

from __future__ import annotations

from typing import Any

from infra.eventstore import RecordedEvent
from kernel.context import SYSTEM_ACTOR
from services.solicitations.commands import RecordAward, RecordUnsuccessful, StartEvaluation
from services.solicitations.decider import SOLICITATION

EVALUATION_STARTED = "awards.EvaluationStarted.v1"
AWARD_FINALIZED = "awards.AwardFinalized.v1"
UNSUCCESSFUL = "awards.SolicitationUnsuccessful.v1"


class FollowAwards:
    name = "solicitations.follow_awards"
    types: frozenset[str] | None = frozenset({EVALUATION_STARTED, AWARD_FINALIZED, UNSUCCESSFUL})

    def __init__(self, civic: Any) -> None:
        self.civic = civic

    async def react(self, recorded: RecordedEvent) -> None:
        event: Any = recorded.event
        command: Any
        if recorded.type == EVALUATION_STARTED:
            command = StartEvaluation()
        elif recorded.type == AWARD_FINALIZED:
            value = getattr(event, "value", None)
            command = RecordAward(award_id=event.award_id, vendor_id=getattr(event, "vendor_id", ""), value=value)
        else:
            command = RecordUnsuccessful(reason=getattr(event, "reason", ""))
        await self.civic.executor.execute(SOLICITATION, event.solicitation_id, command, SYSTEM_ACTOR,
                                          command_id=f"{self.name}:{recorded.event_id}",
                                          causation_id=recorded.event_id)
