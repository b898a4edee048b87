"""Solicitation events: a buying need from publication to award, its addenda, Q&A,
opening and the follows that turn a publication into notices for vendors."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from events.base import Event, Money, PersonalData
from events.compliance import RuleApplied


class Criterion(msgspec.Struct, frozen=True, kw_only=True):
    """A weighted evaluation criterion; weights of a solicitation sum to 100."""

    criterion_id: str
    name: str
    description: str = ""
    weight: int
    scale_max: int = 10
    is_price: bool = False
    library_id: str | None = None


class DocumentRef(msgspec.Struct, frozen=True, kw_only=True):
    """Metadata of a document kept elsewhere (the marketplace stores no file bodies)."""

    name: str
    media_type: str = "application/pdf"
    url: str | None = None
    sha256: str | None = None
    size_bytes: int | None = None


class ScheduleLine(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a price schedule: bidders quote a unit price for it."""

    item_id: str
    description: str
    commodity_code: str
    unit: str  # the unit of measure: "each", "ton", "hour", ...
    estimated_quantity: int


class PriceSchedule(msgspec.Struct, frozen=True, kw_only=True):
    """The lines a bid prices; the bid's price is the sum of unit price x estimated quantity."""

    lines: list[ScheduleLine]
    #: the most a unit price may rise in each option year, in percent (``None``: fixed prices)
    escalation_cap_percent: float | None = None


class CooperativeStatement(msgspec.Struct, frozen=True, kw_only=True):
    """Who may buy from the resulting contract besides the lead agency: ``eligible`` is
    "all" (any public body), "agencies" (those listed) or "jurisdictions" (agencies whose
    jurisdiction starts with one of the prefixes, such as ``US-TX``)."""

    eligible: str
    agencies: list[str] = []
    jurisdictions: list[str] = []
    #: the most all orders on the contract may add up to (``None``: the contract's value)
    total_ceiling: Money | None = None
    #: the most one participant's orders may add up to
    participant_ceiling: Money | None = None
    lead_agency_id: str = ""
    #: a joining agency waits for the lead agency's buyer to approve it
    approval_required: bool = False


class SolicitationCreated(Event, frozen=True, kw_only=True, tag="solicitations.SolicitationCreated.v1"):
    solicitation_id: str
    agency_id: str
    # "RFI" | "RFQ" | "RFP" | "ITB" (named so because "type" is the event tag field)
    solicitation_type: str
    title: str
    description: str
    commodity_codes: list[str]
    estimated_value: Money
    method: str  # "open" | "selective" | "limited" | "direct"
    set_aside: str | None = None  # None, "small_business" or a certification program code
    submission_deadline: datetime
    questions_deadline: datetime
    opening_time: datetime
    criteria: list[Criterion] = []
    allows_multiple_awards: bool = False
    documents: list[DocumentRef] = []
    #: "goods" | "services" | "works": the rule packs' thresholds depend on it
    contract_kind: str = "goods"
    #: paid with federal funds: the stricter of the agency's pack and 2 CFR 200 applies
    federally_funded: bool = False
    jurisdiction: str = ""
    created_by: str = ""
    price_schedule: PriceSchedule | None = None
    cooperative: CooperativeStatement | None = None
    #: the agency's IANA zone when the draft was created: business days are its local dates
    time_zone: str = "UTC"


class SolicitationUpdated(Event, frozen=True, kw_only=True, tag="solicitations.SolicitationUpdated.v1"):
    """A draft edit: the full editable content after the edit."""

    solicitation_id: str
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


class SolicitationPublished(Event, frozen=True, kw_only=True, tag="solicitations.SolicitationPublished.v1"):
    solicitation_id: str
    agency_id: str
    published_at: datetime
    submission_deadline: datetime
    # What followers, search and the splitting check need without replaying the draft.
    solicitation_type: str = ""
    title: str = ""
    commodity_codes: list[str] = []
    estimated_value: Money | None = None
    method: str = ""
    set_aside: str | None = None
    questions_deadline: datetime | None = None
    opening_time: datetime | None = None
    #: the rule pack that judged the publication, and each rule it applied
    rule_pack: str = ""
    rules_applied: list[RuleApplied] = []
    #: the public statement that the contract will be cooperative (``None``: it will not)
    cooperative: CooperativeStatement | None = None


class SplittingSuspected(Event, frozen=True, kw_only=True, tag="solicitations.SplittingSuspected.v1"):
    """A warning: several solicitations of one agency for one commodity code, each under
    a threshold, together exceed it within the look-back window."""

    solicitation_id: str
    agency_id: str
    commodity_code: str
    threshold: str
    threshold_value: Money
    combined_value: Money
    related_solicitation_ids: list[str]
    window_days: int


class DuplicatePurchaseSuspected(Event, frozen=True, kw_only=True,
                                 tag="solicitations.DuplicatePurchaseSuspected.v1"):
    """A warning, not a refusal: when the solicitation was created or published, an active
    cooperative contract the agency may use, or another agency's open or recent
    solicitation, covered the same commodity codes or had clearly similar text. Recorded
    so that the buyer going ahead regardless is on the record."""

    solicitation_id: str
    agency_id: str
    #: "created" | "published": the step that raised it
    step: str
    #: "cooperative_contract" | "solicitation"
    kind: str
    match_id: str
    match_title: str
    #: the lead agency of the contract, or the agency of the other solicitation
    match_agency_id: str
    shared_commodity_codes: list[str] = []
    #: the overlap of the titles' words, 0..1
    text_similarity: float = 0.0
    #: the contract's last day (contracts only)
    end_date: date | None = None


class AddendumPublished(Event, frozen=True, kw_only=True, tag="solicitations.AddendumPublished.v1"):
    solicitation_id: str
    number: int
    summary: str
    changes: str
    submission_deadline: datetime
    questions_deadline: datetime | None = None
    opening_time: datetime | None = None
    documents: list[DocumentRef] = []
    deadline_extended: bool = False
    published_at: datetime | None = None
    rules_applied: list[RuleApplied] = []
    #: a new cooperative statement, replacing the published one (``None``: unchanged)
    cooperative: CooperativeStatement | None = None


class QuestionAsked(Event, frozen=True, kw_only=True, tag="solicitations.QuestionAsked.v1"):
    """The asker is recorded for the file; no view ever shows it."""

    PERSONAL = (PersonalData(fields=("asked_by",), subject="asked_by", kind="user"),)

    solicitation_id: str
    question_id: str
    question: str
    asked_by: str
    asked_at: datetime


class QuestionAnswered(Event, frozen=True, kw_only=True, tag="solicitations.QuestionAnswered.v1"):
    solicitation_id: str
    question_id: str
    question: str
    answer: str
    answered_at: datetime | None = None


class SolicitationClosed(Event, frozen=True, kw_only=True, tag="solicitations.SolicitationClosed.v1"):
    solicitation_id: str
    closed_at: datetime


class TabulationEntry(msgspec.Struct, frozen=True, kw_only=True):
    bid_id: str
    vendor_id: str
    price: Money
    received_at: datetime
    vendor_name: str = ""
    acknowledged_addendum: int = 0
    # False when the bid did not acknowledge the latest addendum: listed, but it does not count.
    counts: bool = True


class SolicitationOpened(Event, frozen=True, kw_only=True, tag="solicitations.SolicitationOpened.v1"):
    solicitation_id: str
    opened_at: datetime
    tabulation: list[TabulationEntry]
    latest_addendum: int = 0


class SolicitationCancelled(Event, frozen=True, kw_only=True, tag="solicitations.SolicitationCancelled.v1"):
    solicitation_id: str
    reason: str
    cancelled_at: datetime | None = None


class SolicitationUnderEvaluation(Event, frozen=True, kw_only=True,
                                  tag="solicitations.SolicitationUnderEvaluation.v1"):
    solicitation_id: str


class SolicitationAwarded(Event, frozen=True, kw_only=True, tag="solicitations.SolicitationAwarded.v1"):
    solicitation_id: str
    award_id: str = ""
    vendor_id: str = ""
    value: Money | None = None


class SolicitationUnsuccessful(Event, frozen=True, kw_only=True,
                               tag="solicitations.SolicitationUnsuccessful.v1"):
    solicitation_id: str
    reason: str = ""


class CommodityFollowed(Event, frozen=True, kw_only=True, tag="solicitations.CommodityFollowed.v1"):
    vendor_id: str
    commodity_code: str
    followed_by: str = ""


class CommodityUnfollowed(Event, frozen=True, kw_only=True, tag="solicitations.CommodityUnfollowed.v1"):
    vendor_id: str
    commodity_code: str


SolicitationEvent = (
    SolicitationCreated | SolicitationUpdated | SolicitationPublished | SplittingSuspected
    | DuplicatePurchaseSuspected
    | AddendumPublished | QuestionAsked | QuestionAnswered | SolicitationClosed
    | SolicitationOpened | SolicitationCancelled | SolicitationUnderEvaluation
    | SolicitationAwarded | SolicitationUnsuccessful
)
FollowEvent = CommodityFollowed | CommodityUnfollowed
