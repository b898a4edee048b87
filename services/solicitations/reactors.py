"""The solicitations service's reactors.

- Its status follows the award decision (events of the awards context, matched by class
  from ``events.awards``, so this service does not depend on the awards package).
- Delivering notices. The notice list is the projection's; sending is I/O, so a reactor
  does it once the projection has recorded the publication's notices. The transport is an
  interface: the log sender writes one line per notice (an email sender plugs in here).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol

from events.awards import AwardFinalized, EvaluationStarted, SolicitationUnsuccessful
from events.base import tag_of
from events.solicitations import AddendumPublished, SolicitationCancelled, SolicitationPublished
from infra.eventstore import Position, RecordedEvent
from kernel.context import SYSTEM_ACTOR
from projections.base import types_of
from services.solicitations.commands import RecordAward, RecordUnsuccessful, StartEvaluation
from services.solicitations.deciders.solicitation import SOLICITATION
from services.solicitations.readmodel.notices import NOTICES_PROJECTION

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


log = logging.getLogger("civic.notices")


class NoticeSender(Protocol):
    async def send(self, notice: dict[str, Any]) -> None: ...


class LogSender:
    async def send(self, notice: dict[str, Any]) -> None:
        what = {"published": "new", "cancelled": "cancelled"}.get(
            notice["kind"], f"addendum {notice['addendum_number']} to")
        log.info("notice to vendor %s: %s %s %s %r closes %s", notice["vendor_id"], what,
                 notice["solicitation_type"], notice["solicitation_id"], notice["title"],
                 notice["submission_deadline"].isoformat())


class NoticeNotReady(TimeoutError):
    """The notices projection has not reached this publication yet: retried later."""


class DeliverNotices:
    name = "solicitations.notice_delivery"
    types: frozenset[str] | None = frozenset(
        {tag_of(SolicitationPublished), tag_of(AddendumPublished), tag_of(SolicitationCancelled)})

    def __init__(self, civic: Civic, sender: NoticeSender | None = None) -> None:
        self.civic = civic
        self.sender = sender or LogSender()

    async def react(self, recorded: RecordedEvent) -> None:
        pool = self.civic.pool
        row = await pool.fetchrow(
            "SELECT transaction_id::text::bigint AS tx, position FROM projection_checkpoints WHERE name = $1",
            NOTICES_PROJECTION)
        if row is None or Position(row["tx"], row["position"]) < recorded.position:
            raise NoticeNotReady(f"notices of {recorded.event_id} not projected yet")
        event = recorded.event
        assert isinstance(event, SolicitationPublished | AddendumPublished | SolicitationCancelled)
        # Claim each notice before sending: a redelivery never sends it twice.
        claimed = await pool.fetch(
            "UPDATE solicitation_notices SET sent_at = $2 WHERE solicitation_id = $1 AND sent_at IS NULL"
            " RETURNING *", event.solicitation_id, self.civic.clock.now())
        for notice in claimed:
            await self.sender.send(dict(notice))
