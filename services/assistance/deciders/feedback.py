"""A vendor's feedback on what it was shown (stream ``vendor-feedback-<vendor_id>``)."""

from __future__ import annotations

import msgspec

from events.assistance import OpportunityDismissed
from events.base import Event
from kernel.context import Context
from kernel.decider import Decider
from services.assistance.commands import DismissOpportunity


class Feedback(msgspec.Struct, frozen=True, kw_only=True):
    dismissed: frozenset[str] = frozenset()


def decide(command: DismissOpportunity, state: Feedback, ctx: Context) -> list[Event]:
    if command.solicitation_id in state.dismissed:
        return []  # said already: nothing new to record
    return [OpportunityDismissed(
        vendor_id=command.vendor_id, solicitation_id=command.solicitation_id,
        suggestion_id=command.suggestion_id, reason=command.reason.strip(),
        dismissed_by=ctx.actor.sub, dismissed_at=ctx.now)]


def evolve(state: Feedback, event: Event) -> Feedback:
    if isinstance(event, OpportunityDismissed):
        return Feedback(dismissed=state.dismissed | {event.solicitation_id})
    return state


FEEDBACK = Decider(stream_prefix="vendor-feedback", initial=Feedback, decide=decide, evolve=evolve)
