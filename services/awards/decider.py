"""The evaluation of one solicitation, its awards and their protests: one aggregate, so
that a pending protest, the finalised scores and the awards already made are checked
against one consistent state. Pure ``decide`` and ``evolve``.

The state and ``evolve`` are in ``deciders/state.py``; the decisions, by area, in
``deciders/evaluation.py``, ``deciders/award.py`` and ``deciders/protest.py``.
"""

from __future__ import annotations

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


def decide(command: Command, state: Evaluation, ctx: Context) -> list[Event]:
    match command:
        case AppointEvaluator():
            return evaluation.appoint(command, state, ctx)
        case DeclareConflicts():
            return evaluation.declare(command, state, ctx)
        case RecordResponsiveness():
            return evaluation.review(command, state, ctx)
        case RecordScores():
            return evaluation.score(command, state, ctx)
        case FinalizeScores():
            return evaluation.finalize_scores(command, state, ctx)
        case RecommendAward():
            return award.recommend(command, state, ctx)
        case CloseProtestWindow():
            return award.close_window(command, state, ctx)
        case FileProtest():
            return protest.file_protest(command, state, ctx)
        case DecideProtest():
            return protest.decide_protest(command, state, ctx)
        case FinalizeAward():
            return award.finalize_award(command, state, ctx)
    raise TypeError(f"unknown command {command!r}")


def timers(event: Event) -> list[Timer]:
    """The end of a protest window wakes the award up (``CloseProtestWindow``)."""
    if isinstance(event, IntentToAwardPublished):
        return [timer(PROTEST_WINDOW_TIMER, f"{STREAM_PREFIX}-{event.solicitation_id}",
                      event.protest_window_ends, award_id=event.award_id,
                      solicitation_id=event.solicitation_id)]
    return []


EVALUATION = Decider(stream_prefix=STREAM_PREFIX, initial=Evaluation, decide=decide,
                     evolve=evolve, timers=timers)

