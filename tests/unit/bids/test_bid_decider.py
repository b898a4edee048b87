from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from events.base import Money
from events.bids import (
    AddendumAcknowledged,
    Attestations,
    BidReplaced,
    BidSubmitted,
    BidUnsealed,
    BidWithdrawn,
    CriterionResponse,
)
from kernel.context import SYSTEM_ACTOR, Actor, Context
from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from services.bids.commands import (
    AcknowledgeAddendum,
    BidContent,
    ReplaceBid,
    SubmitBid,
    UnsealBid,
    VendorFacts,
    WithdrawBid,
)
from services.bids.decider import BID, bid_id_for
from services.solicitations.facts import SolicitationFacts

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=10)
USER = Actor(sub="alice", role="vendor")
FACTS = SolicitationFacts(exists=True, solicitation_id="s1", agency_id="ag1", solicitation_type="RFP",
                          status="published", currency="USD", submission_deadline=DEADLINE,
                          opening_time=DEADLINE + timedelta(hours=1), criterion_ids=("price", "tech"),
                          criteria_needing_response=("tech",))
VENDOR = VendorFacts(vendor_id="v1", status="approved", expires_at=NOW + timedelta(days=365), users=("alice",),
                     certified_programs=frozenset({"WBE"}))
CONTENT = BidContent(price=Money(amount=123_456_00, currency="USD"),
                     responses=[CriterionResponse(criterion_id="tech", text="We salt roads.")],
                     attestations=Attestations(no_conflict_of_interest=True, non_collusion=True))
BID_ID = bid_id_for("s1", "v1")


def ctx(now=NOW, actor=USER):
    return Context(now=now, actor=actor)


def submit(facts=FACTS, vendor=VENDOR, content=CONTENT, **kw):
    return SubmitBid(facts=facts, bid_id=BID_ID, solicitation_id="s1", vendor=vendor, content=content,
                     sealed="v1:opaque", **kw)


def submitted():
    return BID.run([(submit(), ctx())])


def test_bid_ids_are_one_per_vendor_and_solicitation():
    assert bid_id_for("s1", "v1") == BID_ID != bid_id_for("s1", "v2")


def test_submit_records_only_ciphertext():
    state, [event] = submitted()
    assert isinstance(event, BidSubmitted) and event.sealed == "v1:opaque" and event.received_at == NOW
    assert "123456" not in msgspec.json.encode(event).decode()
    assert state.active


def test_one_active_bid_per_vendor():
    state, _ = submitted()
    with pytest.raises(Conflict) as err:
        BID.decide(submit(), state, ctx())
    assert err.value.code == "active_bid_exists"
    withdrawn = BID.fold(BID.decide(WithdrawBid(facts=FACTS, vendor=VENDOR), state, ctx()), state)
    assert isinstance(BID.decide(submit(), withdrawn, ctx())[0], BidSubmitted)


def test_after_the_deadline_nothing_changes():
    state, _ = submitted()
    for command, current in [(submit(), BID.initial()),
                             (ReplaceBid(facts=FACTS, vendor=VENDOR, content=CONTENT, sealed="x"), state),
                             (WithdrawBid(facts=FACTS, vendor=VENDOR), state)]:
        with pytest.raises(Conflict) as err:
            BID.decide(command, current, ctx(DEADLINE))
        assert err.value.code == "deadline_passed" and "deadline passed" in err.value.message


@pytest.mark.parametrize("vendor, code", [
    (VendorFacts(vendor_id="v1", known=False), "not_eligible"),
    (msgspec.structs.replace(VENDOR, status="submitted"), "not_eligible"),
    (msgspec.structs.replace(VENDOR, expires_at=NOW), "not_eligible"),
    (msgspec.structs.replace(VENDOR, excluded=True), "excluded"),
    (msgspec.structs.replace(VENDOR, users=("bob",)), "not_vendor_user"),
])
def test_only_approved_unexpired_non_excluded_vendors_bid(vendor, code):
    with pytest.raises(Forbidden) as err:
        BID.decide(submit(vendor=vendor), BID.initial(), ctx())
    assert err.value.code == code


def test_set_aside_needs_a_certification_valid_on_the_deadline():
    wbe = msgspec.structs.replace(FACTS, set_aside="WBE")
    assert BID.decide(submit(facts=wbe), BID.initial(), ctx())
    with pytest.raises(Forbidden) as err:
        BID.decide(submit(facts=msgspec.structs.replace(FACTS, set_aside="small_business")), BID.initial(), ctx())
    assert err.value.code == "set_aside" and "SBE" in err.value.message


@pytest.mark.parametrize("content, field", [
    (msgspec.structs.replace(CONTENT, price=Money(amount=0, currency="USD")), "price.amount"),
    (msgspec.structs.replace(CONTENT, price=Money(amount=5, currency="EUR")), "price.currency"),
    (msgspec.structs.replace(CONTENT, responses=[]), "responses"),
    (msgspec.structs.replace(CONTENT, attestations=Attestations(no_conflict_of_interest=True,
                                                                non_collusion=False)), "attestations.non_collusion"),
])
def test_bad_content_names_the_field(content, field):
    with pytest.raises(Invalid) as err:
        BID.decide(submit(content=content), BID.initial(), ctx())
    assert err.value.details[0]["field"] == field


def test_rfi_and_unpublished_solicitations_take_no_bids():
    with pytest.raises(Conflict):
        BID.decide(submit(facts=msgspec.structs.replace(FACTS, solicitation_type="RFI")), BID.initial(), ctx())
    with pytest.raises(NotFound):
        BID.decide(submit(facts=msgspec.structs.replace(FACTS, status="draft")), BID.initial(), ctx())
    with pytest.raises(Conflict):
        BID.decide(submit(facts=msgspec.structs.replace(FACTS, status="cancelled")), BID.initial(), ctx())


def test_replace_and_withdraw_only_by_the_bidding_vendor():
    state, _ = submitted()
    [replaced] = BID.decide(ReplaceBid(facts=FACTS, vendor=VENDOR, content=CONTENT, sealed="v1:new"), state,
                            ctx(NOW + timedelta(hours=1)))
    assert isinstance(replaced, BidReplaced) and replaced.received_at == NOW + timedelta(hours=1)
    other = VendorFacts(vendor_id="v2", status="approved", expires_at=DEADLINE, users=("mallory",))
    with pytest.raises(NotFound):  # never confirms the bid exists
        BID.decide(WithdrawBid(facts=FACTS, vendor=other), state, ctx(actor=Actor(sub="mallory", role="vendor")))
    [withdrawn] = BID.decide(WithdrawBid(facts=FACTS, vendor=VENDOR), state, ctx())
    assert isinstance(withdrawn, BidWithdrawn)
    gone = BID.fold([withdrawn], state)
    with pytest.raises(Conflict):
        BID.decide(WithdrawBid(facts=FACTS, vendor=VENDOR), gone, ctx())


def test_addenda_must_be_acknowledged():
    state, _ = submitted()
    with pytest.raises(Conflict):
        BID.decide(AcknowledgeAddendum(facts=FACTS, vendor=VENDOR, number=1), state, ctx())
    amended = msgspec.structs.replace(FACTS, latest_addendum=2)
    with pytest.raises(Invalid):
        BID.decide(AcknowledgeAddendum(facts=amended, vendor=VENDOR, number=1), state, ctx())
    state, events = BID.run([(AcknowledgeAddendum(facts=amended, vendor=VENDOR, number=2), ctx())], state)
    assert isinstance(events[0], AddendumAcknowledged) and state.acknowledged_addendum == 2
    assert BID.decide(AcknowledgeAddendum(facts=amended, vendor=VENDOR, number=2), state, ctx()) == []
    with pytest.raises(Invalid):  # cannot acknowledge an addendum that does not exist
        BID.decide(submit(acknowledged_addendum=3), BID.initial(), ctx())


def test_unsealing_only_after_opening_and_marks_unacknowledged_bids():
    state, _ = submitted()
    system = Context(now=DEADLINE + timedelta(hours=1), actor=SYSTEM_ACTOR)
    with pytest.raises(Conflict):
        BID.decide(UnsealBid(facts=FACTS, content=CONTENT), state, system)
    with pytest.raises(Forbidden):
        BID.decide(UnsealBid(facts=FACTS, content=CONTENT), state, ctx())
    opened = msgspec.structs.replace(FACTS, opened_at=system.now, latest_addendum=1)
    [unsealed] = BID.decide(UnsealBid(facts=opened, content=CONTENT), state, system)
    assert isinstance(unsealed, BidUnsealed) and unsealed.price == CONTENT.price and not unsealed.counts
    done = BID.fold([unsealed], state)
    assert BID.decide(UnsealBid(facts=opened, content=CONTENT), done, system) == []
