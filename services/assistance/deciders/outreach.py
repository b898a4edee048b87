"""A solicitation's outreach (stream ``outreach-<solicitation_id>``): the vendors a buyer
invited and the buyer's decisions on the similar purchases it was shown."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from events.assistance import SimilarPurchasesReviewed, VendorsInvited
from events.base import Event
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict, field_error
from services.assistance.commands import InviteVendors, ReviewSimilarPurchases

DECISIONS = ("proceed", "use_existing_contract", "withdraw")


class Outreach(msgspec.Struct, frozen=True, kw_only=True):
    invited: frozenset[str] = frozenset()
    reviewed: frozenset[str] = frozenset()  # suggestion ids a decision answers


def _check_vendors(vendor_ids: Sequence[str], invitable: frozenset[str]) -> None:
    if len(set(vendor_ids)) != len(vendor_ids):
        raise field_error("vendor_ids", "each vendor once")
    for i, vendor_id in enumerate(vendor_ids):
        if vendor_id not in invitable:
            raise field_error(f"vendor_ids[{i}]", f"vendor {vendor_id} is not an approved, eligible vendor",
                              code="not_invitable")


def decide(command: InviteVendors | ReviewSimilarPurchases, state: Outreach, ctx: Context) -> list[Event]:
    match command:
        case InviteVendors():
            _check_vendors(command.vendor_ids, command.invitable)
            new = [v for v in command.vendor_ids if v not in state.invited]
            if not new:
                return []
            return [VendorsInvited(
                solicitation_id=command.solicitation_id, agency_id=command.agency_id, vendor_ids=new,
                suggestion_id=command.suggestion_id, message=command.message.strip(),
                invited_by=ctx.actor.sub, invited_at=ctx.now)]
        case ReviewSimilarPurchases():
            if command.decision not in DECISIONS:
                raise field_error("decision", f"one of {', '.join(DECISIONS)}")
            if command.shown_kind != "similar" or command.shown_subject != command.solicitation_id:
                raise field_error("suggestion_id", "is not a list of similar purchases shown for this solicitation")
            if command.suggestion_id in state.reviewed:
                raise Conflict("this list of similar purchases has a decision already", code="already_reviewed")
            if command.decision == "proceed" and not command.justification.strip():
                raise field_error("justification", "say why the solicitation goes ahead despite similar purchases")
            return [SimilarPurchasesReviewed(
                solicitation_id=command.solicitation_id, agency_id=command.agency_id,
                suggestion_id=command.suggestion_id, decision=command.decision,
                justification=command.justification.strip(), decided_by=ctx.actor.sub, decided_at=ctx.now)]
    raise TypeError(f"unknown command {command!r}")


def evolve(state: Outreach, event: Event) -> Outreach:
    match event:
        case VendorsInvited():
            return msgspec.structs.replace(state, invited=state.invited | set(event.vendor_ids))
        case SimilarPurchasesReviewed():
            return msgspec.structs.replace(state, reviewed=state.reviewed | {event.suggestion_id})
    return state


OUTREACH = Decider(stream_prefix="outreach", initial=Outreach, decide=decide, evolve=evolve)
