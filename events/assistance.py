"""Assistance events: what the assistant suggested to whom, and what people decided.

A suggestion list is on the record the moment a user is shown it: who asked, the model
and its version, a hash of the inputs it ranked, and every ranked item with its score as
the sum of named parts. Every human decision that follows names the list it answers.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from events.base import Event, PersonalData


class ScorePart(msgspec.Struct, frozen=True, kw_only=True):
    """One named reason: ``points = weight * value`` (value in 0..1)."""

    name: str
    weight: float
    value: float
    points: float
    detail: str = ""


class SuggestedItem(msgspec.Struct, frozen=True, kw_only=True):
    item_id: str
    rank: int
    score: float
    parts: list[ScorePart] = []
    kind: str = ""  # for similar purchases: "solicitation" | "contract"


class SuggestionsShown(Event, frozen=True, kw_only=True, tag="assistance.SuggestionsShown.v1"):
    """Stream ``suggestions-<suggestion_id>``. Who asked is personal data (a vendor's user,
    or a member of staff): sealed under their key. The decisions that follow (invitations,
    reviews) are the agency's record and name the official in clear."""

    PERSONAL = (PersonalData(fields=("asked_by",), subject="asked_by", kind="user"),)

    suggestion_id: str
    # "opportunities" (for a vendor) | "vendors" (for a solicitation) | "similar" (purchases)
    list_kind: str
    subject_id: str
    asked_by: str
    asked_role: str
    agency_id: str | None = None
    model: str
    model_version: str
    inputs_hash: str
    filters: dict[str, str] = {}
    items: list[SuggestedItem] = []
    shown_at: datetime


class OpportunityDismissed(Event, frozen=True, kw_only=True, tag="assistance.OpportunityDismissed.v1"):
    """A vendor said "not relevant"; later lists for that vendor leave the solicitation out.
    Stream ``vendor-feedback-<vendor_id>``. The vendor's user who said so is sealed."""

    PERSONAL = (PersonalData(fields=("dismissed_by",), subject="dismissed_by", kind="user", holder="vendor_id"),)

    vendor_id: str
    solicitation_id: str
    suggestion_id: str | None = None
    reason: str = ""
    dismissed_by: str
    dismissed_at: datetime


class VendorsInvited(Event, frozen=True, kw_only=True, tag="assistance.VendorsInvited.v1"):
    """A buyer invited vendors to bid. Stream ``outreach-<solicitation_id>``."""

    solicitation_id: str
    agency_id: str
    vendor_ids: list[str]
    suggestion_id: str | None = None
    message: str = ""
    invited_by: str
    invited_at: datetime


class SimilarPurchasesReviewed(
    Event, frozen=True, kw_only=True, tag="assistance.SimilarPurchasesReviewed.v1"
):
    """A buyer's decision on the similar purchases shown for a solicitation: proceed with
    the solicitation anyway, or not. Stream ``outreach-<solicitation_id>``."""

    solicitation_id: str
    agency_id: str
    suggestion_id: str
    decision: str  # "proceed" | "use_existing_contract" | "withdraw"
    justification: str = ""
    decided_by: str
    decided_at: datetime


AssistanceEvent = SuggestionsShown | OpportunityDismissed | VendorsInvited | SimilarPurchasesReviewed
