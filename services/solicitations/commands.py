"""Commands (imperative) for solicitations."""

from __future__ import annotations

from datetime import datetime

import msgspec

from events.base import Money
from events.solicitations import (
    CooperativeStatement,
    Criterion,
    DocumentRef,
    PriceSchedule,
    TabulationEntry,
)
from services.marketplace.facts import CooperativeOffer


class Terms(msgspec.Struct, frozen=True, kw_only=True):
    """What a buyer writes in a solicitation, editable while it is a draft."""

    solicitation_type: str
    title: str
    description: str
    commodity_codes: list[str]
    estimated_value: Money
    method: str
    set_aside: str | None = None
    submission_deadline: datetime
    questions_deadline: datetime
    opening_time: datetime
    criteria: list[Criterion] = []
    allows_multiple_awards: bool = False
    documents: list[DocumentRef] = []
    contract_kind: str = "goods"
    federally_funded: bool = False
    price_schedule: PriceSchedule | None = None
    cooperative: CooperativeStatement | None = None


class TermsPatch(msgspec.Struct, frozen=True, kw_only=True):
    """A partial edit: fields left UNSET keep their value."""

    solicitation_type: str | msgspec.UnsetType = msgspec.UNSET
    title: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    commodity_codes: list[str] | msgspec.UnsetType = msgspec.UNSET
    estimated_value: Money | msgspec.UnsetType = msgspec.UNSET
    method: str | msgspec.UnsetType = msgspec.UNSET
    set_aside: str | None | msgspec.UnsetType = msgspec.UNSET
    submission_deadline: datetime | msgspec.UnsetType = msgspec.UNSET
    questions_deadline: datetime | msgspec.UnsetType = msgspec.UNSET
    opening_time: datetime | msgspec.UnsetType = msgspec.UNSET
    criteria: list[Criterion] | msgspec.UnsetType = msgspec.UNSET
    allows_multiple_awards: bool | msgspec.UnsetType = msgspec.UNSET
    documents: list[DocumentRef] | msgspec.UnsetType = msgspec.UNSET
    contract_kind: str | msgspec.UnsetType = msgspec.UNSET
    federally_funded: bool | msgspec.UnsetType = msgspec.UNSET
    price_schedule: PriceSchedule | None | msgspec.UnsetType = msgspec.UNSET
    cooperative: CooperativeStatement | None | msgspec.UnsetType = msgspec.UNSET


class OtherSolicitation(msgspec.Struct, frozen=True, kw_only=True):
    """Another agency's published solicitation (input of the duplicate-purchase check)."""

    solicitation_id: str
    agency_id: str
    title: str
    status: str
    commodity_codes: list[str]
    published_at: datetime


class SimilarPurchases(msgspec.Struct, frozen=True, kw_only=True):
    """The candidates of the duplicate-purchase check, read at the edge; the decider keeps
    those that are duplicates."""

    contracts: list[CooperativeOffer] = []
    solicitations: list[OtherSolicitation] = []


class CreateSolicitation(msgspec.Struct, frozen=True, kw_only=True):
    solicitation_id: str
    agency_id: str
    #: the agency's registered jurisdiction; ``None`` when the agency is not registered
    jurisdiction: str | None
    terms: Terms
    time_zone: str = "UTC"
    similar: SimilarPurchases = SimilarPurchases()


class UpdateSolicitation(msgspec.Struct, frozen=True, kw_only=True):
    patch: TermsPatch


class RecentSolicitation(msgspec.Struct, frozen=True, kw_only=True):
    """Another published solicitation of the same agency (input of the splitting check)."""

    solicitation_id: str
    commodity_codes: list[str]
    estimated_value: Money
    published_at: datetime


class PublishSolicitation(msgspec.Struct, frozen=True, kw_only=True):
    recent: list[RecentSolicitation] = []
    similar: SimilarPurchases = SimilarPurchases()


class PublishAddendum(msgspec.Struct, frozen=True, kw_only=True):
    summary: str
    changes: str
    submission_deadline: datetime | None = None
    questions_deadline: datetime | None = None
    opening_time: datetime | None = None
    documents: list[DocumentRef] = []
    #: a new cooperative statement for the published solicitation (``None``: unchanged)
    cooperative: CooperativeStatement | None = None


class AskQuestion(msgspec.Struct, frozen=True, kw_only=True):
    question_id: str
    question: str


class AnswerQuestion(msgspec.Struct, frozen=True, kw_only=True):
    question_id: str
    answer: str


class CancelSolicitation(msgspec.Struct, frozen=True, kw_only=True):
    reason: str


class CloseSolicitation(msgspec.Struct, frozen=True, kw_only=True):
    """Sent by the deadline timer."""


class OpenSolicitation(msgspec.Struct, frozen=True, kw_only=True):
    """Sent by the opening timer with the tabulation of the unsealed bids."""

    tabulation: list[TabulationEntry]


class StartEvaluation(msgspec.Struct, frozen=True, kw_only=True):
    pass


class RecordAward(msgspec.Struct, frozen=True, kw_only=True):
    award_id: str
    vendor_id: str = ""
    value: Money | None = None


class RecordUnsuccessful(msgspec.Struct, frozen=True, kw_only=True):
    reason: str = ""


Command = (
    CreateSolicitation | UpdateSolicitation | PublishSolicitation | PublishAddendum | AskQuestion
    | AnswerQuestion | CancelSolicitation | CloseSolicitation | OpenSolicitation | StartEvaluation
    | RecordAward | RecordUnsuccessful
)
