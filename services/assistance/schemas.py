"""Request and response bodies of the assistance routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from events.assistance import ScorePart

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class Suggestion(msgspec.Struct, frozen=True, kw_only=True):
    """One ranked item: its score is the sum of the parts' points, each part a reason."""

    id: str
    rank: int
    score: float
    parts: list[ScorePart]
    kind: str = ""
    title: str | None = None
    agency: str | None = None
    submission_deadline: datetime | None = None
    legal_name: str | None = None
    certifications: list[str] | None = None
    local: bool | None = None
    vendor_id: str | None = None
    solicitation_id: str | None = None
    status: str | None = None
    end_date: date | None = None


class Suggestions(msgspec.Struct, frozen=True, kw_only=True):
    """A list as it was shown, and recorded: decisions refer to ``suggestion_id``."""

    suggestion_id: str
    model: str
    model_version: str
    inputs_hash: str
    note: str = ("Suggestions help people find each other; they decide nothing. "
                 "Each score is the sum of the named parts shown.")
    items: list[Suggestion]


class DuplicatePurchase(msgspec.Struct, frozen=True, kw_only=True):
    """A duplicate-purchase warning raised when the solicitation was created or published,
    as recorded on it."""

    #: "created" | "published"
    step: str
    #: "cooperative_contract" | "solicitation"
    kind: str
    id: str
    title: str
    agency_id: str
    shared_commodity_codes: list[str]
    text_similarity: float
    end_date: date | None = None


class SimilarPurchasesOut(Suggestions, frozen=True, kw_only=True):
    """The ranked similar purchases (recorded as a list), and the duplicate-purchase
    warnings on record for the solicitation."""

    duplicate_purchases: list[DuplicatePurchase] = []


class NotRelevantIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    suggestion_id: Id | None = None
    reason: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class NotRelevantOut(msgspec.Struct, frozen=True, kw_only=True):
    vendor_id: str
    solicitation_id: str
    recorded: bool


class InvitationsIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    vendor_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=200)]
    suggestion_id: Id | None = None
    message: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class InvitationsOut(msgspec.Struct, frozen=True, kw_only=True):
    solicitation_id: str
    invited: list[str]
    already_invited: list[str]


class ReviewIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    suggestion_id: Id
    decision: Annotated[str, msgspec.Meta(
        description="proceed | use_existing_contract | withdraw", max_length=40)]
    justification: Annotated[str, msgspec.Meta(max_length=4000)] = ""


class ReviewOut(msgspec.Struct, frozen=True, kw_only=True):
    solicitation_id: str
    suggestion_id: str
    decision: str


class ShownList(msgspec.Struct, frozen=True, kw_only=True):
    suggestion_id: str
    list_kind: str
    asked_by: str
    asked_role: str
    model: str
    model_version: str
    inputs_hash: str
    shown_at: datetime
    items: list[Suggestion]


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    decision: str
    suggestion_id: str | None
    vendor_ids: list[str]
    detail: str
    decided_by: str
    decided_at: datetime


class AssistanceRecord(msgspec.Struct, frozen=True, kw_only=True):
    """What the assistant suggested for a solicitation, and what people decided."""

    solicitation_id: str
    suggestions: list[ShownList]
    decisions: list[Decision]
