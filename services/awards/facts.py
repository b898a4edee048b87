"""Questions other contexts may ask of the evaluation (read side)."""

from __future__ import annotations

from typing import Any

import msgspec

from events.compliance import RuleApplied
from infra.db import Queryable
from kernel.context import Actor
from kernel.errors import NotFound
from services.awards.decider import EVALUATION
from services.awards.deciders.state import CLEARED, evaluator_standing
from services.awards.readmodel import solicitation_of_protest


async def evaluator_cleared(executor: Any, solicitation_id: str, actor: Actor) -> bool:
    """Whether an evaluator may see the solicitation's bid content: appointed to it and
    declared without a conflict. Anything showing unsealed bids to evaluators asks this."""
    state, _ = await executor.load(EVALUATION, solicitation_id)
    return bool(state.agency_id) and evaluator_standing(state, actor, state.agency_id) == CLEARED


async def award_rules_applied(executor: Any, solicitation_id: str) -> list[RuleApplied]:
    """The rules that set each notice of intent's protest window (for the compliance record)."""
    state, _ = await executor.load(EVALUATION, solicitation_id)
    return [rule for award in state.awards.values() for rule in award.rules_applied]


class ProtestFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A protest as other contexts may know it: who filed it, against which agency."""

    protest_id: str
    solicitation_id: str
    agency_id: str
    vendor_id: str
    status: str  # "pending" | "dismissed" | "sustained" | "withdrawn" | "moot"


async def protest_facts(executor: Any, pool: Queryable, protest_id: str) -> ProtestFacts | None:
    try:
        solicitation_id = await solicitation_of_protest(pool, protest_id)
    except NotFound:
        return None
    state, _ = await executor.load(EVALUATION, solicitation_id)
    protest = state.protests.get(protest_id)
    if protest is None:
        return None
    return ProtestFacts(protest_id=protest_id, solicitation_id=solicitation_id,
                        agency_id=state.agency_id, vendor_id=protest.filed.vendor_id,
                        status=protest.status)
