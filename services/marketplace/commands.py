"""Commands (imperative) of the marketplace, and the facts of other contexts they carry."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from events.base import Money
from events.contracts import CatalogItem
from events.marketplace import DeliveryAddress, ReceivedLine
from events.solicitations import CooperativeStatement
from services.solicitations.facts import SplittingRule


class ContractTerms(msgspec.Struct, frozen=True, kw_only=True):
    """A contract as the marketplace decides on it, read at the edge from the contracts' facts."""

    contract_id: str
    #: the contracting agency
    agency_id: str
    vendor_id: str
    #: "pending" | "active" | "completed" | "terminated"
    status: str
    value: Money
    end_date: date | None = None
    title: str = ""
    catalog: tuple[CatalogItem, ...] = ()
    cooperative: CooperativeStatement | None = None

    @property
    def lead_agency_id(self) -> str:
        return (self.cooperative.lead_agency_id if self.cooperative else "") or self.agency_id

    @property
    def currency(self) -> str:
        return self.value.currency

    @property
    def total_ceiling(self) -> Money:
        """What all orders together may reach: the stated ceiling, else the contract's value."""
        stated = self.cooperative.total_ceiling if self.cooperative else None
        return stated or self.value


class JoiningAgency(msgspec.Struct, frozen=True, kw_only=True):
    agency_id: str
    #: its registered jurisdiction (``None``: the agency is not registered)
    jurisdiction: str | None


class JoinContract(msgspec.Struct, frozen=True, kw_only=True):
    contract: ContractTerms
    agency: JoiningAgency
    note: str = ""


class ApproveParticipant(msgspec.Struct, frozen=True, kw_only=True):
    contract: ContractTerms
    agency_id: str


class CommitOrder(msgspec.Struct, frozen=True, kw_only=True):
    """Count an order against the contract's ceilings (with the order's placement)."""

    contract: ContractTerms
    order_id: str
    agency_id: str
    amount: Money


class ReleaseOrder(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    reason: str


CooperativeCommand = JoinContract | ApproveParticipant | CommitOrder | ReleaseOrder


class LineRequest(msgspec.Struct, frozen=True, kw_only=True):
    item_id: str
    quantity: int


class RecentOrder(msgspec.Struct, frozen=True, kw_only=True):
    """Another order of the same agency to the same vendor (input of the splitting check)."""

    order_id: str
    commodity_codes: tuple[str, ...]
    total: Money
    placed_at: datetime


class CompetitionRule(msgspec.Struct, frozen=True, kw_only=True):
    """The competition rule of the ordering agency's pack (``data/competition.json``) with
    its micro-purchase threshold, read at the edge."""

    threshold: Money
    threshold_citation: str
    min_quotes: int
    citation: str


class QuoteFacts(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    amount: Money


class QuoteRequestFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A request for quotes as an order relies on it (read at the edge from its stream)."""

    request_id: str
    agency_id: str
    commodity_code: str
    due_at: datetime
    invited: tuple[str, ...]
    quotes: tuple[QuoteFacts, ...]


class CompetitionChoice(msgspec.Struct, frozen=True, kw_only=True):
    """How a buyer met the rule above the threshold: a request for quotes (with the basis
    of the choice) or a sole-source justification."""

    quote_request: QuoteRequestFacts | None = None
    basis: str = "lowest"  # | "best_value"
    justification: str = ""


class PlaceOrder(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    contract: ContractTerms
    lines: list[LineRequest]
    delivery_address: DeliveryAddress
    requested_delivery: date
    #: the currency the buyer expects (``None``: the contract's)
    currency: str | None = None
    #: the ordering agency's recent orders to the vendor and its pack's splitting rule
    recent: tuple[RecentOrder, ...] = ()
    splitting: SplittingRule | None = None
    #: the ordering agency's competition rule (``None``: its pack sets none)
    competition: CompetitionRule | None = None
    choice: CompetitionChoice = CompetitionChoice()


class AcceptOrder(msgspec.Struct, frozen=True, kw_only=True):
    #: the vendors the caller acts for (read at the edge)
    acting_vendors: frozenset[str]


class RejectOrder(msgspec.Struct, frozen=True, kw_only=True):
    acting_vendors: frozenset[str]
    reason: str


class CancelOrder(msgspec.Struct, frozen=True, kw_only=True):
    reason: str


class RecordReceipt(msgspec.Struct, frozen=True, kw_only=True):
    receipt_id: str
    lines: list[ReceivedLine]
    received_on: date


OrderCommand = PlaceOrder | AcceptOrder | RejectOrder | CancelOrder | RecordReceipt


class InvitedContract(msgspec.Struct, frozen=True, kw_only=True):
    """A contract whose holder is asked to quote, with what the edge read of it."""

    contract: ContractTerms
    #: the requesting agency may order from it (the lead agency or an approved participant)
    usable: bool


class RequestQuotes(msgspec.Struct, frozen=True, kw_only=True):
    request_id: str
    commodity_code: str
    description: str
    due_at: datetime
    invited: list[InvitedContract]
    min_quotes: int


class SubmitQuote(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    amount: Money
    note: str
    acting_vendors: frozenset[str]


QuoteCommand = RequestQuotes | SubmitQuote
