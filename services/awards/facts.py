"""Questions other contexts may ask of the evaluation (read side)."""

from __future__ import annotations

from typing import Any

from events.compliance import RuleApplied
from kernel.context import Actor
from services.awards.decider import EVALUATION
from services.awards.deciders.state import CLEARED, evaluator_standing


async def evaluator_cleared(executor: Any, solicitation_id: str, actor: Actor) -> bool:
    """Whether an evaluator may see the solicitation's bid content: appointed to it and
    declared without a conflict. Anything showing unsealed bids to evaluators asks this."""
    state, _ = await executor.load(EVALUATION, solicitation_id)
    return bool(state.agency_id) and evaluator_standing(state, actor, state.agency_id) == CLEARED
    state, _ = await executor.load(EVALUATION, solicitation_id)
    return bool(state.agency_id) and evaluator_standing(state, actor, state.agency_id) == CLEARED


async def award_rules_applied(executor: Any, solicitation_id: str) -> list[RuleApplied]:
    """The rules that set each notice of intent's protest window (for the compliance record)."""
    state, _ = await executor.load(EVALUATION, solicitation_id)
    return [rule for award in state.awards.values() for rule in award.rules_applied]
