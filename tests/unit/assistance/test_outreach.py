"""The assistance deciders: invitations, reviews of similar purchases, "not relevant"."""

from datetime import UTC, datetime

import pytest

from events.assistance import OpportunityDismissed, SimilarPurchasesReviewed, VendorsInvited
from kernel.context import Actor, Context
from kernel.errors import Conflict, Invalid
from services.assistance.commands import DismissOpportunity, InviteVendors, ReviewSimilarPurchases
from services.assistance.deciders.feedback import FEEDBACK
from services.assistance.deciders.outreach import OUTREACH

CTX = Context(now=datetime(2026, 6, 1, tzinfo=UTC), actor=Actor(sub="b1", role="buyer", agency="a1"))


def invite(*vendors: str, invitable: set[str] | None = None) -> InviteVendors:
    return InviteVendors(solicitation_id="s1", agency_id="a1", vendor_ids=list(vendors),
                         invitable=frozenset(invitable if invitable is not None else vendors))


def review(decision: str = "proceed", justification: str = "ours is larger", **changes: str) -> ReviewSimilarPurchases:
    base = dict(solicitation_id="s1", agency_id="a1", suggestion_id="sg1", shown_kind="similar",
                shown_subject="s1", decision=decision, justification=justification)
    base.update(changes)
    return ReviewSimilarPurchases(**base)


def test_invitations_record_only_vendors_not_invited_before() -> None:
    state, events = OUTREACH.run([(invite("v1", "v2"), CTX), (invite("v2", "v3"), CTX), (invite("v1"), CTX)])
    assert [e.vendor_ids for e in events if isinstance(e, VendorsInvited)] == [["v1", "v2"], ["v3"]]
    assert state.invited == {"v1", "v2", "v3"}


def test_only_eligible_vendors_can_be_invited_each_once() -> None:
    with pytest.raises(Invalid) as err:
        OUTREACH.decide(invite("v1", "v9", invitable={"v1"}), OUTREACH.initial(), CTX)
    assert err.value.details == [{"field": "vendor_ids[1]", "message": "vendor v9 is not an approved, eligible vendor"}]
    with pytest.raises(Invalid):
        OUTREACH.decide(invite("v1", "v1"), OUTREACH.initial(), CTX)


def test_proceeding_despite_similar_purchases_needs_a_justification_and_one_decision_per_list() -> None:
    with pytest.raises(Invalid):
        OUTREACH.decide(review(justification="  "), OUTREACH.initial(), CTX)
    state, events = OUTREACH.run([(review(), CTX)])
    assert isinstance(events[0], SimilarPurchasesReviewed) and events[0].decided_by == "b1"
    with pytest.raises(Conflict):
        OUTREACH.decide(review(decision="withdraw"), state, CTX)
    assert OUTREACH.decide(review(decision="withdraw", justification="", suggestion_id="sg2"), state, CTX)


@pytest.mark.parametrize("changes", [{"shown_kind": "vendors"}, {"shown_subject": "s2"}, {"decision": "maybe"}])
def test_a_review_answers_a_list_of_similar_purchases_for_this_solicitation(changes: dict[str, str]) -> None:
    with pytest.raises(Invalid):
        OUTREACH.decide(review(**changes), OUTREACH.initial(), CTX)


def test_not_relevant_is_recorded_once() -> None:
    command = DismissOpportunity(vendor_id="v1", solicitation_id="s1", reason=" not our trade ")
    state, events = FEEDBACK.run([(command, CTX), (command, CTX)])
    assert len(events) == 1 and isinstance(events[0], OpportunityDismissed)
    assert events[0].reason == "not our trade" and state.dismissed == {"s1"}
