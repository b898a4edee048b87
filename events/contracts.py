"""Contract events: opened from a final award, signed, amended, rated, ended."""

from __future__ import annotations

from datetime import date, datetime

from events.base import Event, Money


class ContractOpened(Event, frozen=True, kw_only=True, tag="contracts.ContractOpened.v1"):
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
    #: a modification changing the value by more than this share of the original value
    #: needs an admin's approval
    approval_share: float = 0.25
    opened_at: datetime | None = None


class ContractSigned(Event, frozen=True, kw_only=True, tag="contracts.ContractSigned.v1"):
    contract_id: str
    party: str  # "buyer" | "vendor"
    signed_by: str
    signed_at: datetime | None = None


class ContractActivated(Event, frozen=True, kw_only=True, tag="contracts.ContractActivated.v1"):
    contract_id: str
    activated_at: datetime
    end_date: date | None = None


class ModificationProposed(
    Event, frozen=True, kw_only=True, tag="contracts.ModificationProposed.v1"
):
    """An amendment beyond the approval share, waiting for an admin."""

    contract_id: str
    number: int
    kind: str  # "value_change" | "time_extension" | "option_exercise" | "other"
    reason: str
    value: Money
    end_date: date
    proposed_by: str
    proposed_at: datetime


class ModificationRejected(
    Event, frozen=True, kw_only=True, tag="contracts.ModificationRejected.v1"
):
    contract_id: str
    number: int
    reason: str
    rejected_by: str
    rejected_at: datetime


class ContractModified(Event, frozen=True, kw_only=True, tag="contracts.ContractModified.v1"):
    """Amendment ``number`` in force: ``value`` is the new total, ``end_date`` the new end."""

    contract_id: str
    number: int
    reason: str
    value: Money
    end_date: date
    kind: str = "other"
    approved_by: str | None = None
    modified_at: datetime | None = None


class ContractExpiryNoticed(
    Event, frozen=True, kw_only=True, tag="contracts.ContractExpiryNoticed.v1"
):
    contract_id: str
    days_before: int
    end_date: date | None = None


class ContractCompleted(Event, frozen=True, kw_only=True, tag="contracts.ContractCompleted.v1"):
    contract_id: str
    completed_at: datetime | None = None
    reason: str = ""


class ContractTerminated(Event, frozen=True, kw_only=True, tag="contracts.ContractTerminated.v1"):
    contract_id: str
    reason: str
    terminated_by: str | None = None
    terminated_at: datetime | None = None


class PerformanceRated(Event, frozen=True, kw_only=True, tag="contracts.PerformanceRated.v1"):
    """The buyer's rating of the vendor's performance, each 1-5."""

    contract_id: str
    rating_id: str
    vendor_id: str
    quality: int
    timeliness: int
    cost_control: int
    communication: int
    comment: str = ""
    rated_by: str
    rated_at: datetime


class PerformanceResponded(
    Event, frozen=True, kw_only=True, tag="contracts.PerformanceResponded.v1"
):
    """The vendor's answer to a rating."""

    contract_id: str
    rating_id: str
    response: str
    responded_by: str
    responded_at: datetime


ContractEvent = (
    ContractOpened
    | ContractSigned
    | ContractActivated
    | ModificationProposed
    | ModificationRejected
    | ContractModified
    | ContractExpiryNoticed
    | ContractCompleted
    | ContractTerminated
    | PerformanceRated
    | PerformanceResponded
)
