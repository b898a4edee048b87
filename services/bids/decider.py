"""The bid aggregate: one stream per vendor and solicitation, so "one active bid per
vendor per solicitation" is the stream's optimistic concurrency, not a lookup.

The decider sees bid content in clear only to validate it; what it records is the
ciphertext the edge sealed (``command.sealed``) until ``UnsealBid`` at the opening.
Commands carry the solicitation's facts and the vendor's standing (read at the edge).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import msgspec

from events.base import Event
from events.bids import AddendumAcknowledged, BidReplaced, BidSubmitted, BidUnsealed, BidWithdrawn
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from kernel.money import check_money
from services.bids.commands import (
    AcknowledgeAddendum,
    BidContent,
    Command,
    ReplaceBid,
    SubmitBid,
    UnsealBid,
    VendorFacts,
    WithdrawBid,
)
from services.solicitations.facts import SolicitationFacts


def bid_id_for(solicitation_id: str, vendor_id: str) -> str:
    """The bid id of a vendor on a solicitation: stable, opaque, one per pair."""
    digest = hashlib.sha256(f"{solicitation_id}\x00{vendor_id}".encode()).hexdigest()
    return f"bid_{digest[:24]}"


class Bid(msgspec.Struct, frozen=True, kw_only=True):
    exists: bool = False
    bid_id: str = ""
    solicitation_id: str = ""
    vendor_id: str = ""
    status: str = "none"  # "active" | "withdrawn"
    received_at: datetime | None = None
    sealed: str = ""
    acknowledged_addendum: int = 0
    unsealed: BidUnsealed | None = None

    @property
    def active(self) -> bool:
        return self.status == "active"


def _check_open_for_bids(facts: SolicitationFacts, now: datetime) -> None:
    if not facts.exists or facts.status == "draft":
        raise NotFound("solicitation not found")
    if facts.status == "cancelled":
        raise Conflict("the solicitation was cancelled; it takes no bids", code="cancelled")
    assert facts.submission_deadline is not None
    if facts.status != "published" or now >= facts.submission_deadline:
        raise Conflict(
            f"the submission deadline passed at {facts.submission_deadline.isoformat()}; "
            "bids can no longer be submitted, replaced or withdrawn",
            code="deadline_passed",
        )


def _check_vendor(vendor: VendorFacts, facts: SolicitationFacts, ctx: Context) -> None:
    if ctx.actor.role != "vendor":
        raise Forbidden("only vendors bid")
    if not vendor.known:
        raise Forbidden(f"vendor {vendor.vendor_id} is not registered", code="not_eligible")
    if ctx.actor.sub not in vendor.users:
        raise Forbidden(f"you do not act for vendor {vendor.vendor_id}", code="not_vendor_user")
    if vendor.status != "approved":
        raise Forbidden(f"vendor {vendor.vendor_id} is {vendor.status}, not approved: it cannot bid",
                        code="not_eligible")
    if vendor.expires_at is None or ctx.now >= vendor.expires_at:
        raise Forbidden(f"the registration of vendor {vendor.vendor_id} has expired; renew it to bid",
                        code="not_eligible")
    if vendor.excluded:
        raise Forbidden(f"vendor {vendor.vendor_id} is on the exclusion list and cannot bid",
                        code="excluded")
    program = facts.set_aside_program
    if program is not None and program not in vendor.certified_programs:
        raise Forbidden(
            f"this solicitation is set aside for {facts.set_aside}: it needs a verified {program} "
            "certification valid on the submission deadline", code="set_aside")


def _check_content(content: BidContent, facts: SolicitationFacts) -> None:
    check_money(content.price, "price")
    if content.price.currency != facts.currency:
        raise field_error("price.currency", f"bids on this solicitation are in {facts.currency}")
    seen: set[str] = set()
    for i, response in enumerate(content.responses):
        if response.criterion_id not in facts.criterion_ids:
            raise field_error(f"responses[{i}].criterion_id", "not a criterion of this solicitation")
        if response.criterion_id in seen:
            raise field_error(f"responses[{i}].criterion_id", "one response per criterion")
        if not response.text.strip():
            raise field_error(f"responses[{i}].text", "must not be blank")
        seen.add(response.criterion_id)
    missing = [c for c in facts.criteria_needing_response if c not in seen]
    if missing:
        raise field_error("responses", f"respond to every criterion; missing {', '.join(missing)}")
    if not content.attestations.no_conflict_of_interest:
        raise field_error("attestations.no_conflict_of_interest", "a bid must attest no conflict of interest")
    if not content.attestations.non_collusion:
        raise field_error("attestations.non_collusion", "a bid must attest non-collusion")
    _check_unit_prices(content, facts)


def _check_unit_prices(content: BidContent, facts: SolicitationFacts) -> None:
    """With a price schedule, one unit price per line and a price that is their sum over
    the estimated quantities; without one, no unit prices."""
    schedule = facts.price_schedule
    if schedule is None:
        if content.unit_prices:
            raise field_error("unit_prices", "this solicitation has no price schedule; give only a price")
        return
    quantities = {line.item_id: line.estimated_quantity for line in schedule.lines}
    seen: set[str] = set()
    total = 0
    for i, priced in enumerate(content.unit_prices):
        if priced.item_id not in quantities:
            raise field_error(f"unit_prices[{i}].item_id", "not a line of the price schedule")
        if priced.item_id in seen:
            raise field_error(f"unit_prices[{i}].item_id", "one unit price per line", code="duplicate_line")
        seen.add(priced.item_id)
        check_money(priced.unit_price, f"unit_prices[{i}].unit_price", allow_zero=True)
        if priced.unit_price.currency != facts.currency:
            raise field_error(f"unit_prices[{i}].unit_price.currency",
                              f"bids on this solicitation are in {facts.currency}")
        total += priced.unit_price.amount * quantities[priced.item_id]
    missing = [item for item in quantities if item not in seen]
    if missing:
        raise field_error("unit_prices", f"price every line of the schedule; missing {', '.join(missing)}")
    if total != content.price.amount:
        raise field_error("price.amount", f"the price must be the sum of unit price x estimated quantity "
                          f"over the schedule: {total} minor units", code="price_mismatch")


def _check_addendum(number: int, facts: SolicitationFacts) -> None:
    if not 0 <= number <= facts.latest_addendum:
        raise field_error("acknowledged_addendum",
                          f"addenda published so far: {facts.latest_addendum}; acknowledge one of them")


def decide(command: Command, state: Bid, ctx: Context) -> list[Event]:
    facts = command.facts
    match command:
        case SubmitBid():
            _check_open_for_bids(facts, ctx.now)
            if facts.solicitation_type == "RFI":
                raise Conflict("an RFI is information only: it takes questions, not bids", code="rfi_no_bids")
            _check_vendor(command.vendor, facts, ctx)
            if state.active:
                raise Conflict(f"vendor {command.vendor.vendor_id} already has an active bid "
                               f"({state.bid_id}) on this solicitation; replace it with PUT /bids/{state.bid_id}",
                               code="active_bid_exists", details={"bid_id": state.bid_id})
            _check_content(command.content, facts)
            _check_addendum(command.acknowledged_addendum, facts)
            return [BidSubmitted(bid_id=command.bid_id, solicitation_id=command.solicitation_id,
                                 vendor_id=command.vendor.vendor_id, received_at=ctx.now, sealed=command.sealed,
                                 acknowledged_addendum=command.acknowledged_addendum,
                                 submitted_by=ctx.actor.sub)]
        case ReplaceBid():
            _require_own_active(state, command.vendor, ctx)
            _check_open_for_bids(facts, ctx.now)
            _check_vendor(command.vendor, facts, ctx)
            _check_content(command.content, facts)
            acknowledged = (state.acknowledged_addendum if command.acknowledged_addendum is None
                            else command.acknowledged_addendum)
            _check_addendum(acknowledged, facts)
            return [BidReplaced(bid_id=state.bid_id, solicitation_id=state.solicitation_id,
                                vendor_id=state.vendor_id, received_at=ctx.now, sealed=command.sealed,
                                acknowledged_addendum=max(acknowledged, state.acknowledged_addendum),
                                submitted_by=ctx.actor.sub)]
        case WithdrawBid():
            _require_own_active(state, command.vendor, ctx)
            _check_open_for_bids(facts, ctx.now)
            return [BidWithdrawn(bid_id=state.bid_id, solicitation_id=state.solicitation_id,
                                 vendor_id=state.vendor_id, withdrawn_at=ctx.now)]
        case AcknowledgeAddendum():
            _require_own_active(state, command.vendor, ctx)
            _check_open_for_bids(facts, ctx.now)
            if facts.latest_addendum == 0:
                raise Conflict("this solicitation has no addendum to acknowledge", code="no_addendum")
            if command.number != facts.latest_addendum:
                raise field_error("number", f"acknowledge the latest addendum, number {facts.latest_addendum}")
            if state.acknowledged_addendum >= command.number:
                return []
            return [AddendumAcknowledged(bid_id=state.bid_id, number=command.number,
                                         solicitation_id=state.solicitation_id, vendor_id=state.vendor_id)]
        case UnsealBid():
            if not ctx.actor.is_system:
                raise Forbidden("bids are unsealed only by the opening")
            if facts.opened_at is None:
                raise Conflict("the solicitation is not opened; its bids stay sealed", code="sealed")
            if not state.active or state.unsealed is not None:
                return []
            content = command.content
            assert state.received_at is not None
            return [BidUnsealed(
                bid_id=state.bid_id, solicitation_id=state.solicitation_id, vendor_id=state.vendor_id,
                price=content.price, responses=list(content.responses), received_at=state.received_at,
                acknowledged_addendum=state.acknowledged_addendum, attestations=content.attestations,
                documents=list(content.documents),
                counts=state.acknowledged_addendum >= facts.latest_addendum,
                unit_prices=list(content.unit_prices),
            )]
    raise TypeError(f"unknown command {command!r}")


def _require_own_active(state: Bid, vendor: VendorFacts, ctx: Context) -> None:
    if not state.exists:
        raise NotFound("bid not found")
    if ctx.actor.role != "vendor" or vendor.vendor_id != state.vendor_id or ctx.actor.sub not in vendor.users:
        # Never confirm that another vendor's bid exists.
        raise NotFound("bid not found")
    if not state.active:
        raise Conflict("this bid was withdrawn; submit a new bid on the solicitation", code="withdrawn")


def evolve(state: Bid, event: Event) -> Bid:
    replace = msgspec.structs.replace
    match event:
        case BidSubmitted():
            return Bid(exists=True, bid_id=event.bid_id, solicitation_id=event.solicitation_id,
                       vendor_id=event.vendor_id, status="active", received_at=event.received_at,
                       sealed=event.sealed, acknowledged_addendum=event.acknowledged_addendum)
        case BidReplaced():
            return replace(state, received_at=event.received_at, sealed=event.sealed,
                           acknowledged_addendum=event.acknowledged_addendum)
        case BidWithdrawn():
            return replace(state, status="withdrawn")
        case AddendumAcknowledged():
            return replace(state, acknowledged_addendum=max(state.acknowledged_addendum, event.number))
        case BidUnsealed():
            return replace(state, unsealed=event)
    return state


BID = Decider(stream_prefix="bid", initial=Bid, decide=decide, evolve=evolve)
