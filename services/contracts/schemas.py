"""What a contract shows, and to whom: the contracting agency (buyers, finance), the
vendor party, admins and auditors. Nobody else."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, cast

import msgspec

from events.base import Money
from infra.http.bodies import MoneyIn
from kernel.context import Actor
from kernel.errors import Forbidden, NotFound
from services.contracts.decider import Contract, Rating
from services.documents.facts import AttachedDocument, of_part


class SignatureOut(msgspec.Struct, frozen=True, kw_only=True):
    party: str
    signed_by: str
    signed_at: datetime | None


class AmendmentOut(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    kind: str
    reason: str
    value: Money
    end_date: date
    status: Literal["in_force", "awaiting_approval"]
    proposed_by: str | None = None
    approved_by: str | None = None
    at: datetime | None = None
    #: the amendment's documents (each version)
    attachments: list[AttachedDocument] = []


class RatingResponseOut(msgspec.Struct, frozen=True, kw_only=True):
    """The vendor's answer to a rating."""

    response: str
    responded_by: str
    responded_at: datetime


class RatingOut(msgspec.Struct, frozen=True, kw_only=True):
    """A performance rating (1 to 5 on each count) and the vendor's response, if any."""

    rating_id: str
    contract_id: str
    quality: int
    timeliness: int
    cost_control: int
    communication: int
    average: float
    comment: str
    rated_by: str
    rated_at: datetime
    response: RatingResponseOut | None = None


class EndOut(msgspec.Struct, frozen=True, kw_only=True):
    reason: str
    at: datetime | None


#: a contract's life: pending (awaiting both signatures) -> active -> completed (its term
#: ended) | terminated
ContractStatus = Literal["pending", "active", "completed", "terminated"]


class ContractOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    #: the same as ``id`` (kept for clients written before ``id``; deprecated)
    contract_id: str
    award_id: str
    solicitation_id: str
    agency_id: str
    vendor_id: str
    status: ContractStatus
    original_value: Money
    value: Money
    start_date: date
    end_date: date
    terms_ref: str
    requires_receipt: bool
    approval_share: float
    signatures: list[SignatureOut]
    activated_at: datetime | None
    amendments: list[AmendmentOut]
    expiry_notices: list[int]
    ratings: list[RatingOut]
    ended: EndOut | None = None
    version: int = 0
    #: the signed contract and every other document attached to it (amendments' too)
    attachments: list[AttachedDocument] = []


class ContractSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    #: the same as ``id`` (kept for clients written before ``id``; deprecated)
    contract_id: str
    award_id: str
    solicitation_id: str
    agency_id: str
    vendor_id: str
    value: Money
    start_date: date
    end_date: date
    status: ContractStatus
    attachments: list[AttachedDocument] = []


def with_documents(contract: ContractOut, attachments: list[AttachedDocument]) -> ContractOut:
    """The contract's documents, and each amendment's own among them."""
    replace = msgspec.structs.replace
    return replace(contract, attachments=attachments, amendments=[
        replace(a, attachments=of_part(attachments, f"amendment:{a.number}")) for a in contract.amendments])


def require_access(state: Contract, actor: Actor) -> None:
    opened = state.opened
    if opened is None:
        raise NotFound("contract not found")
    if actor.role in ("admin", "auditor"):
        return
    if actor.role in ("buyer", "finance") and actor.agency == opened.agency_id:
        return
    if actor.role == "vendor" and actor.vendor == opened.vendor_id:
        return
    raise Forbidden("only the parties to a contract see it", code="not_a_party")


def rating_out(rating: Rating) -> RatingOut:
    r = rating.rated
    response = rating.response
    return RatingOut(
        rating_id=r.rating_id, contract_id=r.contract_id, quality=r.quality,
        timeliness=r.timeliness, cost_control=r.cost_control, communication=r.communication,
        average=round((r.quality + r.timeliness + r.cost_control + r.communication) / 4, 2),
        comment=r.comment, rated_by=r.rated_by, rated_at=r.rated_at,
        response=RatingResponseOut(response=response.response, responded_by=response.responded_by,
                                   responded_at=response.responded_at) if response else None)


def contract_out(state: Contract, version: int, actor: Actor) -> ContractOut:
    require_access(state, actor)
    opened = state.opened
    assert opened is not None and state.value is not None and state.end_date is not None
    amendments = [AmendmentOut(number=a.number, kind=a.kind, reason=a.reason, value=a.value,
                               end_date=a.end_date, status="in_force", approved_by=a.approved_by,
                               at=a.modified_at) for a in state.amendments]
    amendments += [AmendmentOut(number=p.number, kind=p.kind, reason=p.reason, value=p.value,
                                end_date=p.end_date, status="awaiting_approval",
                                proposed_by=p.proposed_by, at=p.proposed_at)
                   for p in state.proposals.values()]
    ended = state.ended
    return ContractOut(
        id=opened.contract_id, contract_id=opened.contract_id, award_id=opened.award_id,
        solicitation_id=opened.solicitation_id, agency_id=opened.agency_id,
        vendor_id=opened.vendor_id, status=cast(ContractStatus, state.status), original_value=opened.value,
        value=state.value, start_date=opened.start_date, end_date=state.end_date,
        terms_ref=opened.terms_ref, requires_receipt=opened.requires_receipt,
        approval_share=opened.approval_share,
        signatures=[SignatureOut(party=s.party, signed_by=s.signed_by, signed_at=s.signed_at)
                    for s in state.signatures.values()],
        activated_at=state.activated_at, amendments=amendments,
        expiry_notices=sorted({days for days, end in state.notices if end == state.end_date},
                              reverse=True),
        ratings=[rating_out(r) for r in state.ratings.values()],
        ended=EndOut(reason=ended.reason, at=ended.completed_at if hasattr(ended, "completed_at")
                     else ended.terminated_at) if ended else None,
        version=version,
    )


Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]

Score = Annotated[int, msgspec.Meta(ge=1, le=5)]

class ModificationIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: Literal["value_change", "time_extension", "option_exercise", "other"]
    reason: Reason
    value: MoneyIn | None = None  # the new total value
    end_date: date | None = None

class ApprovalIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    approve: bool
    reason: Annotated[str, msgspec.Meta(max_length=4000)] = ""

class RatingIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    quality: Score
    timeliness: Score
    cost_control: Score
    communication: Score
    comment: Annotated[str, msgspec.Meta(max_length=4000)] = ""

class ResponseIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    response: Reason

class EndIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Reason

class CompleteIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=4000)] = ""
