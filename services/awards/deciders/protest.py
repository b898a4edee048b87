"""Decisions on protests of an award: filing and deciding them. Pure.
"""

from __future__ import annotations

from events.awards import (
    AwardCancelled,
    EvaluationReopened,
    ProtestDecided,
    ProtestFiled,
)
from events.base import Event
from kernel.context import Context
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from services.awards.commands import (
    DecideProtest,
    FileProtest,
)
from services.awards.deciders.state import (
    Evaluation,
    blank,
    find_award,
    require_buyer,
)

OUTCOMES = ("dismissed", "sustained", "withdrawn")


REMEDIES = ("cancel_award", "re_evaluate")


def file_protest(command: FileProtest, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    actor = ctx.actor
    if actor.role != "vendor" or actor.vendor not in facts.bidders:
        raise Forbidden("only a bidder on this solicitation may protest", code="not_a_bidder")
    award = find_award(state, command.award_id)
    if award.status != "intent_published":
        raise Conflict(f"the award is {award.status}; protests are closed",
                       code="award_not_protestable")
    ends = award.protest_window_ends
    if ends is not None and (award.window_closed or ctx.now >= ends):
        raise Conflict(f"the protest window closed at {ends.isoformat()}",
                       code="protest_window_closed", details={"protest_window_ends": ends.isoformat()})
    if blank(command.grounds):
        raise field_error("grounds", "a protest states its grounds")
    if any(p.filed.vendor_id == actor.vendor and p.award_id == award.award_id and p.status == "pending"
           for p in state.protests.values()):
        raise Conflict("this bidder already has a pending protest of this award",
                       code="protest_pending")
    if command.protest_id in state.protests:
        raise Conflict("protest already exists", code="duplicate")
    return [ProtestFiled(
        protest_id=command.protest_id, award_id=award.award_id,
        solicitation_id=state.solicitation_id, vendor_id=actor.vendor, grounds=command.grounds.strip(),
        filed_by=actor.sub, filed_at=ctx.now)]


def decide_protest(command: DecideProtest, state: Evaluation, ctx: Context) -> list[Event]:
    protest = state.protests.get(command.protest_id)
    if protest is None:
        raise NotFound(f"protest {command.protest_id} not found")
    if command.outcome not in OUTCOMES:
        raise field_error("outcome", f"one of {', '.join(OUTCOMES)}")
    protester = ctx.actor.role == "vendor" and ctx.actor.vendor == protest.filed.vendor_id
    if not (command.outcome == "withdrawn" and protester):
        require_buyer(ctx, state.agency_id)
    if protest.status != "pending":
        raise Conflict(f"the protest is already {protest.status}", code="protest_decided")
    if blank(command.reason):
        raise field_error("reason", "a decision states its reason")
    if command.outcome == "sustained" and command.remedy not in REMEDIES:
        raise field_error("remedy", f"a sustained protest names its remedy: {', '.join(REMEDIES)}")
    if command.outcome != "sustained" and command.remedy is not None:
        raise field_error("remedy", "only a sustained protest has a remedy")
    decided = ProtestDecided(
        protest_id=protest.filed.protest_id, award_id=protest.award_id,
        solicitation_id=state.solicitation_id, outcome=command.outcome, remedy=command.remedy,
        reason=command.reason.strip(), decided_by=ctx.actor.sub, decided_at=ctx.now)
    if command.outcome != "sustained":
        return [decided]
    events: list[Event] = [decided, AwardCancelled(
        award_id=protest.award_id, solicitation_id=state.solicitation_id,
        reason=f"protest {protest.filed.protest_id} sustained: {command.reason.strip()}",
        cancelled_by=ctx.actor.sub, cancelled_at=ctx.now)]
    if command.remedy == "re_evaluate" and state.finalized is not None:
        events.append(EvaluationReopened(
            solicitation_id=state.solicitation_id,
            reason=f"protest {protest.filed.protest_id} sustained", reopened_at=ctx.now))
    return events
