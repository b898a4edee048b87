"""The evaluation of one solicitation, its awards and their protests: one aggregate, so
that a pending protest, the finalised scores and the awards already made are checked
against one consistent state. Pure ``decide`` and ``evolve``.

The state and ``evolve`` are in ``deciders/state.py``; the decisions, by area, in
``deciders/evaluation.py``, ``deciders/award.py`` and ``deciders/protest.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from events.awards import IntentToAwardPublished
from events.base import Event
from kernel.context import Context
from kernel.decider import Decider
from kernel.timers import Timer, timer
from services.awards.commands import (
    AppointEvaluator,
    CloseProtestWindow,
    Command,
    DecideProtest,
    DeclareConflicts,
    FileProtest,
    FinalizeAward,
    FinalizeScores,
    RecommendAward,
    RecordResponsiveness,
    RecordScores,
)
from services.awards.deciders import award, evaluation, protest
from services.awards.deciders.state import STREAM_PREFIX, Evaluation, evolve

PROTEST_WINDOW_TIMER = "awards.protest_window"


#: each command and the decision that answers it (``deciders/``, by area)
_DECISIONS: dict[type, Callable[[Any, Evaluation, Context], list[Event]]] = {
    AppointEvaluator: evaluation.appoint, DeclareConflicts: evaluation.declare,
    RecordResponsiveness: evaluation.review, RecordScores: evaluation.score,
    FinalizeScores: evaluation.finalize_scores, RecommendAward: award.recommend,
    CloseProtestWindow: award.close_window, FinalizeAward: award.finalize_award,
    FileProtest: protest.file_protest, DecideProtest: protest.decide_protest,
}


def decide(command: Command, state: Evaluation, ctx: Context) -> list[Event]:
    decision = _DECISIONS.get(type(command))
    if decision is None:
        raise TypeError(f"unknown command {command!r}")
    return decision(command, state, ctx)


def timers(event: Event) -> list[Timer]:
    """The end of a protest window wakes the award up (``CloseProtestWindow``)."""
    if isinstance(event, IntentToAwardPublished):
        return [timer(PROTEST_WINDOW_TIMER, f"{STREAM_PREFIX}-{event.solicitation_id}",
                      event.protest_window_ends, award_id=event.award_id,
                      solicitation_id=event.solicitation_id)]
    return []


EVALUATION = Decider(stream_prefix=STREAM_PREFIX, initial=Evaluation, decide=decide,
                     evolve=evolve, timers=timers)

