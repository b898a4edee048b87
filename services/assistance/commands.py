"""Commands (imperative) of the assistance layer: record what was shown, and what people decided."""

from __future__ import annotations

import msgspec

from events.assistance import SuggestedItem


class RecordSuggestions(msgspec.Struct, frozen=True, kw_only=True):
    suggestion_id: str
    list_kind: str
    subject_id: str
    agency_id: str | None
    model: str
    model_version: str
    inputs_hash: str
    filters: dict[str, str]
    items: list[SuggestedItem]


class DismissOpportunity(msgspec.Struct, frozen=True, kw_only=True):
    """A vendor says an opportunity is not relevant to it."""

    vendor_id: str
    solicitation_id: str
    suggestion_id: str | None = None
    reason: str = ""


class InviteVendors(msgspec.Struct, frozen=True, kw_only=True):
    solicitation_id: str
    agency_id: str
    vendor_ids: list[str]
    #: the vendors that may be invited: approved, not excluded (read at the edge)
    invitable: frozenset[str]
    suggestion_id: str | None = None
    message: str = ""


class ReviewSimilarPurchases(msgspec.Struct, frozen=True, kw_only=True):
    solicitation_id: str
    agency_id: str
    suggestion_id: str
    #: the list the decision answers: its kind and subject (read from its own stream)
    shown_kind: str
    shown_subject: str
    decision: str
    justification: str = ""


Command = RecordSuggestions | DismissOpportunity | InviteVendors | ReviewSimilarPurchases
