"""Decisions of the award: recommendation with its notice of intent, the protest window,
the final award. Pure.
"""

from __future__ import annotations

from datetime import datetime

from events.awards import (
    AwardFinalized,
    AwardRecommended,
    IntentToAwardPublished,
    ProtestWindowClosed,
    RankedBid,
)
from events.base import Event
from events.compliance import RuleApplied
from kernel import calendar
from kernel.context import Context
from kernel.errors import Conflict, field_error
from services.awards.commands import (
    CloseProtestWindow,
    FinalizeAward,
    RecommendAward,
)
from services.awards.deciders.state import (
    Evaluation,
    blank,
    find_award,
    require_buyer,
    require_open_for_evaluation,
)


def _unavailable_bids(state: Evaluation) -> set[str]:
    """Bids that cannot be recommended now: awarded, or cancelled in this round."""
    return {a.bid_id for a in state.awards.values()
            if a.active or (a.status == "cancelled" and a.round == state.round)}


def recommend(command: RecommendAward, state: Evaluation, ctx: Context) -> list[Event]:
    facts = command.solicitation
    require_buyer(ctx, facts.agency_id)
    require_open_for_evaluation(facts)
    if state.finalized is None:
        raise Conflict("the scores must be finalised before an award", code="scores_not_final")
    if state.unsuccessful or not state.finalized.ranking:
        raise Conflict("no bid can be awarded", code="nothing_to_award")
    if blank(command.rationale):
        raise field_error("rationale", "the award decision records its rationale")
    if command.contract_end <= command.contract_start:
        raise field_error("contract_end", "must be after contract_start")
    if not 1 <= command.protest_window_business_days <= 30:
        raise field_error("protest_window_business_days", "1 to 30 business days")
    if command.award_id in state.awards:
        raise Conflict("award already exists", code="duplicate")
    if not facts.allows_multiple_awards and any(a.active for a in state.awards.values()):
        raise Conflict("this solicitation allows a single award and it has one",
                       code="already_awarded")
    unavailable = _unavailable_bids(state) | {
        b.bid_id for b in state.finalized.ranking
        if command.vendors.get(b.vendor_id) is not None and command.vendors[b.vendor_id].excluded}
    ranking = state.finalized.ranking
    chosen: RankedBid | None
    if command.bid_id is None:
        chosen = next((b for b in ranking if b.bid_id not in unavailable), None)
        if chosen is None:
            raise Conflict("every ranked bid is awarded, cancelled or excluded", code="nothing_to_award")
    else:
        chosen = next((b for b in ranking if b.bid_id == command.bid_id), None)
        if chosen is None:
            raise Conflict("the bid is not in the final ranking (non-responsive or unknown)",
                           code="not_ranked")
        if any(a.active and a.bid_id == chosen.bid_id for a in state.awards.values()):
            raise Conflict("this bid already has an award", code="already_awarded")
        better = [b.bid_id for b in ranking if b.rank < chosen.rank and b.bid_id not in unavailable]
        if better:
            raise Conflict("a better-ranked bid must be awarded first", code="outranked",
                           details={"bids": better})
    value = chosen.price
    if command.value is not None:
        if not facts.allows_multiple_awards:
            raise field_error("value", "a split award needs a solicitation that allows multiple awards")
        if command.value.currency != chosen.price.currency or not 0 < command.value.amount <= chosen.price.amount:
            raise field_error("value", "a positive share of the bid's price, in its currency")
        value = command.value
    vendor = command.vendors.get(chosen.vendor_id)
    if vendor is not None and vendor.excluded:
        raise Conflict("the vendor is on the exclusion list and cannot be awarded",
                       code="vendor_excluded")
    ends, applied = protest_window_end(command, ctx.now)
    recommended = AwardRecommended(
        award_id=command.award_id, solicitation_id=facts.solicitation_id,
        agency_id=facts.agency_id, bid_id=chosen.bid_id, vendor_id=chosen.vendor_id,
        value=value, basis=state.finalized.basis, scores=chosen,
        rationale=command.rationale.strip(), recommended_by=ctx.actor.sub,
        recommended_at=ctx.now, contract_start=command.contract_start,
        contract_end=command.contract_end, terms_ref=command.terms_ref,
        requires_receipt=command.requires_receipt)
    return [recommended, IntentToAwardPublished(
        award_id=command.award_id, solicitation_id=facts.solicitation_id,
        vendor_id=chosen.vendor_id, value=value, protest_window_ends=ends,
        published_at=ctx.now, rules_applied=applied)]


def protest_window_end(command: RecommendAward, now: datetime) -> tuple[datetime, list[RuleApplied]]:
    """The later of the buyer's window (business days on the agency's local calendar, same
    time of day) and each legal period after a notice of intent (protest, standstill): those
    run to the end of their last local day."""
    facts = command.rules
    zone = facts.time_zone if facts else "UTC"
    holidays = facts.holiday_calendar if facts else "US"
    ends = calendar.add_days(now, command.protest_window_business_days, calendar.BUSINESS_DAYS, holidays, zone)
    periods = [(period, calendar.end_of_local_day(calendar.add_days(
        now, period.days, period.day_kind, holidays, zone, roll_to_business_day=period.roll_to_business_day), zone))
        for period in (facts.after_intent if facts else ())]
    ends = max([ends, *(legal for _, legal in periods)])
    applied = [RuleApplied(
        rule=period.rule, pack=period.pack, row=period.row, citation=period.citation, url=period.url,
        effective_from=period.effective_from, basis=period.basis,
        required=f"{period.days} {period.day_kind} days: open until {calendar.local(legal, zone).isoformat()}",
        used=f"open until {calendar.local(ends, zone).isoformat()}") for period, legal in periods]
    if facts is not None and facts.pack is not None and not periods:
        # No statutory period in the pack: the buyer's window decides, counted on the
        # pack's holiday calendar, which is then the rule on the record.
        cal = calendar.holiday_calendar(holidays)
        applied.append(RuleApplied(
            rule="protest_window", pack=facts.pack, row="pack.json:holiday_calendar", basis="policy",
            citation=f"no protest period in the {facts.pack} pack: the buyer's window of business days, "
                     f"without the holidays of {cal.title} ({cal.citation})", url=cal.url,
            required=f"{command.protest_window_business_days} business days (the buyer's window)",
            used=f"open until {calendar.local(ends, zone).isoformat()}"))
    return ends, applied



def close_window(command: CloseProtestWindow, state: Evaluation, ctx: Context) -> list[Event]:
    award = find_award(state, command.award_id)
    ends = award.protest_window_ends
    if award.status != "intent_published" or award.window_closed or ends is None or ctx.now < ends:
        return []  # a stale timer: the award moved on
    return [ProtestWindowClosed(award_id=award.award_id, solicitation_id=state.solicitation_id,
                                closed_at=ctx.now)]


def finalize_award(command: FinalizeAward, state: Evaluation, ctx: Context) -> list[Event]:
    require_buyer(ctx, state.agency_id)
    award = find_award(state, command.award_id)
    if award.status == "final":
        raise Conflict("the award is already final", code="award_final")
    if award.status == "cancelled":
        raise Conflict("the award was cancelled", code="award_cancelled")
    if award.status != "intent_published" or award.protest_window_ends is None:
        raise Conflict("the notice of intent to award is not published", code="intent_not_published")
    pending = state.pending_protests(award.award_id)
    if pending:
        raise Conflict("a pending protest blocks the final award", code="protest_pending",
                       details={"protests": pending})
    ends = award.protest_window_ends
    if ctx.now < ends:
        raise Conflict(f"the protest window is open until {ends.isoformat()}",
                       code="protest_window_open", details={"protest_window_ends": ends.isoformat()})
    if command.vendor.excluded:
        raise Conflict("the vendor is on the exclusion list and cannot be awarded",
                       code="vendor_excluded")
    if command.solicitation_cancelled:
        raise Conflict("the solicitation was cancelled", code="solicitation_cancelled")
    rec = award.recommended
    return [AwardFinalized(
        award_id=award.award_id, solicitation_id=rec.solicitation_id, agency_id=rec.agency_id,
        vendor_id=rec.vendor_id, value=rec.value, decided_by=ctx.actor.sub,
        rationale=command.rationale.strip() or rec.rationale, finalized_at=ctx.now,
        bid_id=rec.bid_id, scores=rec.scores, contract_start=rec.contract_start,
        contract_end=rec.contract_end, terms_ref=rec.terms_ref,
        requires_receipt=rec.requires_receipt)]
