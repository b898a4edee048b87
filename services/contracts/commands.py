"""Commands (imperative) of a contract."""

from __future__ import annotations

from datetime import date

import msgspec

from events.base import Money


class OpenContract(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    award_id: str
    solicitation_id: str
    agency_id: str
    vendor_id: str
    value: Money
    start_date: date
    end_date: date
    terms_ref: str
    requires_receipt: bool
    approval_share: float


class SignContract(msgspec.Struct, frozen=True, kw_only=True):
    pass


class ModifyContract(msgspec.Struct, frozen=True, kw_only=True):
    kind: str  # "value_change" | "time_extension" | "option_exercise" | "other"
    reason: str
    value: Money | None = None  # the new total
    end_date: date | None = None


class ApproveModification(msgspec.Struct, frozen=True, kw_only=True):
    number: int


class RejectModification(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    reason: str


class RecordExpiryNotice(msgspec.Struct, frozen=True, kw_only=True):
    days_before: int
    end_date: date


class EndTerm(msgspec.Struct, frozen=True, kw_only=True):
    """The end date passed (a timer)."""

    end_date: date


class CompleteContract(msgspec.Struct, frozen=True, kw_only=True):
    reason: str = ""


class TerminateContract(msgspec.Struct, frozen=True, kw_only=True):
    reason: str


class RatePerformance(msgspec.Struct, frozen=True, kw_only=True):
    rating_id: str
    quality: int
    timeliness: int
    cost_control: int
    communication: int
    comment: str = ""


class RespondToRating(msgspec.Struct, frozen=True, kw_only=True):
    rating_id: str
    response: str


Command = (
    OpenContract | SignContract | ModifyContract | ApproveModification | RejectModification
    | RecordExpiryNotice | EndTerm | CompleteContract | TerminateContract | RatePerformance
    | RespondToRating
)
