"""A list of suggestions shown to someone (stream ``suggestions-<id>``): written once."""

from __future__ import annotations

import msgspec

from events.assistance import SuggestionsShown
from events.base import Event
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict
from services.assistance.commands import RecordSuggestions


class Shown(msgspec.Struct, frozen=True, kw_only=True):
    exists: bool = False
    list_kind: str = ""
    subject_id: str = ""
    agency_id: str | None = None
    item_ids: tuple[str, ...] = ()


def decide(command: RecordSuggestions, state: Shown, ctx: Context) -> list[Event]:
    if state.exists:
        raise Conflict(f"suggestions {command.suggestion_id} are already recorded", code="duplicate")
    return [SuggestionsShown(
        suggestion_id=command.suggestion_id, list_kind=command.list_kind, subject_id=command.subject_id,
        asked_by=ctx.actor.sub, asked_role=ctx.actor.role, agency_id=command.agency_id,
        model=command.model, model_version=command.model_version, inputs_hash=command.inputs_hash,
        filters=dict(command.filters), items=list(command.items), shown_at=ctx.now)]


def evolve(state: Shown, event: Event) -> Shown:
    if isinstance(event, SuggestionsShown):
        return Shown(exists=True, list_kind=event.list_kind, subject_id=event.subject_id,
                     agency_id=event.agency_id, item_ids=tuple(i.item_id for i in event.items))
    return state


SUGGESTIONS = Decider(stream_prefix="suggestions", initial=Shown, decide=decide, evolve=evolve)
