"""The assistance use cases: rank, put the list on the record, and answer with it."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from events.assistance import SuggestedItem
from infra.executor import Executor
from kernel.context import Actor
from services.assistance.commands import RecordSuggestions
from services.assistance.deciders.suggestions import SUGGESTIONS
from services.assistance.index import Indexes
from services.assistance.ranking import Ranked
from services.assistance.schemas import Suggestion, Suggestions
from services.assistance.scoring import Model


class Assistant:
    """One per process and database: the indexes live as long as the app."""

    def __init__(self) -> None:
        self.indexes = Indexes()

    async def record(self, executor: Executor, actor: Actor, ranked: Ranked, *, list_kind: str,
                     subject_id: str, agency_id: str | None, model: Model,
                     filters: dict[str, str] | None = None) -> Suggestions:
        suggestion_id = f"sg_{uuid.uuid4().hex[:16]}"
        await executor.execute(SUGGESTIONS, suggestion_id, RecordSuggestions(
            suggestion_id=suggestion_id, list_kind=list_kind, subject_id=subject_id, agency_id=agency_id,
            model=model.name, model_version=model.version, inputs_hash=ranked.inputs_hash,
            filters=filters or {}, items=ranked.items), actor)
        return Suggestions(suggestion_id=suggestion_id, model=model.name, model_version=model.version,
                           inputs_hash=ranked.inputs_hash, items=items_out(ranked))


def items_out(ranked: Ranked) -> list[Suggestion]:
    return [_item(item, ranked.details.get(item.item_id, {})) for item in ranked.items]


def _item(item: SuggestedItem, detail: dict[str, Any]) -> Suggestion:
    return Suggestion(id=item.item_id, rank=item.rank, score=item.score, parts=list(item.parts),
                      kind=item.kind, **{k: v for k, v in detail.items() if k in _DETAIL_FIELDS})


_DETAIL_FIELDS = frozenset(f.name for f in msgspec.structs.fields(Suggestion))
