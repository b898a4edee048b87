"""What other contexts may know of solicitations.

- A solicitation's facts (deadlines, status, addenda, criteria: what a bid is decided on;
  its opening: what an evaluation starts from), read from ``solicitation_facts``
  (``readmodel/facts.py``), an inline projection applied in the transaction of every
  solicitation event, so these facts are as current as the solicitation's own stream.
- The rule pack of a jurisdiction and the period rules (protest, standstill) that apply
  to one process, with their citations.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from events.base import Event, Money
from events.compliance import PaymentTerms
from events.solicitations import (
    AddendumPublished,
    CooperativeStatement,
    Criterion,
    DuplicatePurchaseSuspected,
    PriceSchedule,
    QuestionAsked,
    SolicitationAwarded,
    SolicitationCancelled,
    SolicitationClosed,
    SolicitationCreated,
    SolicitationOpened,
    SolicitationPublished,
    SolicitationUnderEvaluation,
    SolicitationUnsuccessful,
    SolicitationUpdated,
)
from kernel import calendar
from kernel.set_asides import set_aside_program
from services.solicitations import rules
from services.solicitations.criteria import library
from services.solicitations.deciders.solicitation import SOLICITATION


class SolicitationFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A solicitation as other contexts decide on it (``exists`` False: no such one)."""

    exists: bool = False
    solicitation_id: str = ""
    agency_id: str = ""
    solicitation_type: str = ""  # "RFI" | "RFQ" | "RFP" | "ITB"
    title: str = ""
    status: str = "draft"
    cancelled: bool = False
    # what a bid is checked against
    currency: str = "USD"
    set_aside: str | None = None
    submission_deadline: datetime | None = None
    opening_time: datetime | None = None
    latest_addendum: int = 0
    criterion_ids: tuple[str, ...] = ()
    criteria_needing_response: tuple[str, ...] = ()
    # what an evaluation starts from
    criteria: tuple[Criterion, ...] = ()
    allows_multiple_awards: bool = False
    opened_at: datetime | None = None
    bidders: tuple[str, ...] = ()  # vendor ids in the opening tabulation
    # as published (the splitting check)
    published_at: datetime | None = None
    commodity_codes: tuple[str, ...] = ()
    published_value: Money | None = None
    #: the ids of the questions asked (a document may accompany an answer)
    questions: tuple[str, ...] = ()
    #: the lines a bid prices (``None``: bids give one price)
    price_schedule: PriceSchedule | None = None
    #: the cooperative statement as it stands (``None``: the contract will not be cooperative)
    cooperative: CooperativeStatement | None = None

    @property
    def set_aside_program(self) -> str | None:
        return set_aside_program(self.set_aside)


_decoder = msgspec.json.Decoder(SolicitationFacts)


async def solicitation_facts(conn: Any, solicitation_id: str) -> SolicitationFacts:
    """The solicitation's facts (``exists`` is False when there is no such solicitation)."""
    row = await conn.fetchval("SELECT facts FROM solicitation_facts WHERE solicitation_id = $1",
                              solicitation_id)
    return _decoder.decode(row) if row is not None else SolicitationFacts()


#: the library category of the criteria that evaluate an AI system
AI_SYSTEM = "ai_system"


async def ai_system_criteria(conn: Any, solicitation_id: str) -> tuple[Criterion, ...]:
    """The solicitation's criteria picked from the library's AI-system category
    (training data, bias testing, energy use, explainability): what a winning bid
    promised and its contract may keep monitoring."""
    ai = {c.library_id for c in library() if c.category == AI_SYSTEM}
    facts = await solicitation_facts(conn, solicitation_id)
    return tuple(c for c in facts.criteria if c.library_id in ai)


async def published_since(conn: Any, agency_id: str, since: datetime) -> list[SolicitationFacts]:
    """The agency's solicitations published at or after ``since``, in publication order."""
    rows = await conn.fetch(
        "SELECT facts FROM solicitation_facts WHERE agency_id = $1 AND published_at >= $2"
        " ORDER BY published_at, solicitation_id", agency_id, since)
    return [_decoder.decode(r["facts"]) for r in rows]


def evolve(facts: SolicitationFacts, event: Event) -> SolicitationFacts:
    replace = msgspec.structs.replace
    match event:
        case SolicitationCreated() | SolicitationUpdated():
            return replace(
                facts,
                exists=True,
                solicitation_id=event.solicitation_id,
                agency_id=getattr(event, "agency_id", facts.agency_id),
                solicitation_type=event.solicitation_type,
                currency=event.estimated_value.currency,
                set_aside=event.set_aside,
                submission_deadline=event.submission_deadline,
                opening_time=event.opening_time,
                criterion_ids=tuple(c.criterion_id for c in event.criteria),
                criteria_needing_response=tuple(c.criterion_id for c in event.criteria if not c.is_price),
                title=event.title,
                criteria=tuple(event.criteria),
                allows_multiple_awards=event.allows_multiple_awards,
                price_schedule=event.price_schedule,
                cooperative=event.cooperative,
            )
        case SolicitationPublished():
            return replace(facts, status="published", published_at=event.published_at,
                           commodity_codes=tuple(event.commodity_codes), published_value=event.estimated_value)
        case AddendumPublished():
            return replace(facts, latest_addendum=event.number, submission_deadline=event.submission_deadline,
                           opening_time=event.opening_time or facts.opening_time,
                           cooperative=event.cooperative or facts.cooperative)
        case QuestionAsked():
            return replace(facts, questions=(*facts.questions, event.question_id))
        case SolicitationClosed():
            return replace(facts, status="closed")
        case SolicitationOpened():
            return replace(facts, opened_at=event.opened_at,
                           bidders=tuple(sorted({entry.vendor_id for entry in event.tabulation})))
        case SolicitationCancelled():
            return replace(facts, status="cancelled", cancelled=True)
        case SolicitationUnderEvaluation():
            return replace(facts, status="under_evaluation")
        case SolicitationAwarded():
            return replace(facts, status="awarded")
        case SolicitationUnsuccessful():
            return replace(facts, status="unsuccessful")
    return facts


async def solicitation_facts_as_of(store: Any, solicitation_id: str, at: datetime) -> SolicitationFacts:
    """The solicitation's facts as they stood at ``at``, folded from its own stream (as-of
    reads: a bid read as of a moment before the opening shows it sealed)."""
    facts = SolicitationFacts()
    for recorded in await store.read_stream(SOLICITATION.stream_id(solicitation_id), until=at):
        facts = evolve(facts, recorded.event)
    return facts


class PeriodRule(msgspec.Struct, frozen=True, kw_only=True):
    """A period of days a process must leave open, and where the law says so."""

    rule: str  # "protest_window" | "standstill"
    pack: str
    row: str
    citation: str
    url: str
    effective_from: date
    basis: str
    days: int
    day_kind: str  # "calendar" | "business"
    roll_to_business_day: bool


class ProcessRules(msgspec.Struct, frozen=True, kw_only=True):
    """The rules of one solicitation's process: its pack, its agency's zone and holiday
    calendar, and the periods that follow a notice of intent to award."""

    solicitation_id: str
    pack: str | None
    time_zone: str
    holiday_calendar: str
    after_intent: tuple[PeriodRule, ...] = ()


def rule_pack_of(jurisdiction: str) -> str | None:
    """The pack a jurisdiction code selects: ``US-WA-Seattle`` -> ``US-WA``."""
    return rules.rules_code(jurisdiction)


def default_time_zone(jurisdiction: str) -> str:
    """The zone of a state or country pack; UTC for the federal pack (it spans zones) and
    for a jurisdiction without a pack."""
    code = rules.rules_code(jurisdiction)
    if code is None or code == "US":
        return "UTC"
    return rules.packs()[code].time_zone


class PaymentDefaults(msgspec.Struct, frozen=True, kw_only=True):
    """The prompt-payment terms of a pack, where it sets them (else the marketplace's 30
    days and 5 % a year)."""

    days: int = 30
    annual_rate: float = 0.05
    citation: str | None = None


def payment_terms(jurisdiction: str) -> PaymentDefaults:
    """An agency's defaults at registration: its pack's days and fixed rate, where it sets them."""
    pack = rules.pack(jurisdiction)
    rule = pack.rule("prompt_payment") if pack else None
    if rule is None or rule.terms.get("applies_to", "all") != "all":
        return PaymentDefaults()
    return PaymentDefaults(days=int(rule.days or rule.terms.get("days", 30)),
                        annual_rate=float(rule.terms.get("annual_rate", 0.05)), citation=rule.citation.section)


def prompt_payment_terms(jurisdiction: str, contract_kind: str | None, *, time_zone: str,
                         agency_rate_agreed: bool) -> PaymentTerms | None:
    """The prompt-payment rule of ``jurisdiction``'s pack for what the contract buys, as an
    invoice carries it; ``None`` when the pack sets none for that kind (California's
    applies to public works only) or the jurisdiction has no pack."""
    code = rules.rules_code(jurisdiction)
    rule = rules.prompt_payment(code, contract_kind) if code else None
    if rule is None:
        return None
    raw = rule.terms.get("fixed_compensation")
    compensation = Money(amount=int(raw["amount"]), currency=str(raw["currency"])) if raw else None
    return PaymentTerms(pack=rule.pack, row=rule.row, citation=rule.citation.section, url=rule.citation.url,
                        effective_from=rule.citation.effective_from, basis=rule.citation.basis,
                        days=rule.days or 30, fixed_compensation=compensation,
                        agency_rate_agreed=agency_rate_agreed, time_zone=time_zone)


class StatutoryRate(msgspec.Struct, frozen=True, kw_only=True):
    """The late-payment interest rate a pack sets for a date, and the row it comes from."""

    annual_rate: float
    pack: str
    row: str
    citation: str
    url: str
    effective_from: date
    basis: str
    #: "Treasury prompt payment interest rate 4.625 %", "one percent per month", ...
    reference: str


def statutory_interest(pack_code: str, on: date) -> StatutoryRate | None:
    """The rate in force on ``on`` (the day after the due date, when interest starts to
    accrue: 31 U.S.C. 3902(a)); ``None`` when the pack has no rate on file for that date."""
    if pack_code not in rules.packs():
        return None
    found = rules.statutory_rate(pack_code, on)
    if found is None:
        return None
    rate, source = found
    if isinstance(source, rules.InterestRate):
        reference = (f"{source.reference} {source.reference_percent:g} %"
                     + (f" plus {source.margin_percent:g} points" if source.margin_percent else ""))
    else:
        reference = str(source.terms.get("interest", f"{rate * 100:g} % a year"))
    return StatutoryRate(annual_rate=rate, pack=source.pack, row=source.row, citation=source.citation.section,
                         url=source.citation.url, effective_from=source.citation.effective_from,
                         basis=source.citation.basis, reference=reference)


async def contract_kind(executor: Any, solicitation_id: str) -> str | None:
    """What a solicitation buys (``goods``, ``services``, ``works``); ``None`` if unknown."""
    if not solicitation_id:
        return None
    state, _ = await executor.load(SOLICITATION, solicitation_id)
    return state.t.contract_kind if state.exists else None


def _period(source: rules.PeriodRule) -> PeriodRule:
    return PeriodRule(rule=source.key, pack=source.pack, row=source.row, citation=source.citation.section,
                      url=source.citation.url, effective_from=source.citation.effective_from,
                      basis=source.citation.basis, days=source.days, day_kind=source.day_kind,
                      roll_to_business_day=source.roll_to_business_day)


def rules_for(solicitation_id: str, jurisdiction: str, time_zone: str, *, federally_funded: bool = False) -> ProcessRules:
    """The process rules of a solicitation of ``jurisdiction`` (pure: static pack data)."""
    pack = rules.pack(jurisdiction)
    if pack is None:
        return ProcessRules(solicitation_id=solicitation_id, pack=None, time_zone=time_zone, holiday_calendar="US")
    judges = [pack]
    if federally_funded and pack.federal_fallback:
        judges.append(rules.packs()[pack.federal_fallback])
    periods = tuple(_period(r) for judge in judges for key in ("protest_window", "standstill")
                    if (r := judge.rule(key)) is not None)
    return ProcessRules(solicitation_id=solicitation_id, pack=pack.code, time_zone=time_zone,
                        holiday_calendar=pack.holiday_calendar, after_intent=periods)


async def process_rules(executor: Any, solicitation_id: str) -> ProcessRules | None:
    """``None`` when the solicitation does not exist."""
    state, _ = await executor.load(SOLICITATION, solicitation_id)
    if not state.exists:
        return None
    return rules_for(solicitation_id, state.jurisdiction, state.time_zone, federally_funded=state.t.federally_funded)


class SolicitationOwner(msgspec.Struct, frozen=True, kw_only=True):
    """Whose solicitation it is, and where it stands (read from its own stream)."""

    solicitation_id: str
    agency_id: str
    status: str


async def solicitation_owner(executor: Any, solicitation_id: str) -> SolicitationOwner | None:
    """``None`` when the solicitation does not exist."""
    state, _ = await executor.load(SOLICITATION, solicitation_id)
    if not state.exists:
        return None
    return SolicitationOwner(solicitation_id=solicitation_id, agency_id=state.agency_id, status=state.status)


async def duplicate_purchases(executor: Any, solicitation_id: str) -> list[DuplicatePurchaseSuspected]:
    """The duplicate-purchase warnings raised when the solicitation was created and published
    (read from its own stream; empty when there is no such solicitation)."""
    state, _ = await executor.load(SOLICITATION, solicitation_id)
    return list(state.duplicates)


def business_days_before(moment: datetime, days: int, jurisdiction: str) -> datetime:
    """The same local time ``days`` business days before ``moment``, in the holiday
    calendar and zone of ``jurisdiction``'s rule pack (reminders before a deadline)."""
    time_zone = default_time_zone(jurisdiction)
    return calendar.business_days_before(moment, days, rules_for("", jurisdiction, time_zone).holiday_calendar,
                                         time_zone)


class SplittingThreshold(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    amount: Money
    citation: str


class SplittingRule(msgspec.Struct, frozen=True, kw_only=True):
    """The splitting check of a jurisdiction's pack on a date: the look-back window and the
    thresholds in force that purchases split below them would escape."""

    pack: str
    window_days: int
    thresholds: tuple[SplittingThreshold, ...]


def splitting_rule(jurisdiction: str, on: date) -> SplittingRule | None:
    """``None`` when the jurisdiction has no pack (pure: static pack data)."""
    pack = rules.pack(jurisdiction)
    if pack is None:
        return None
    in_force = {t.name: t for t in rules.thresholds_on(pack.code, on)}
    return SplittingRule(pack=pack.code, window_days=pack.splitting_window_days, thresholds=tuple(
        SplittingThreshold(name=name, amount=Money(amount=in_force[name].amount, currency=in_force[name].currency),
                           citation=in_force[name].citation.section)
        for name in pack.splitting_thresholds if name in in_force))


def threshold_of(jurisdiction: str, name: str, on: date) -> SplittingThreshold | None:
    """The named threshold of the jurisdiction's pack in force on ``on`` (``micro_purchase``),
    ``None`` when the pack sets none (or there is no pack)."""
    pack = rules.pack(jurisdiction)
    if pack is None:
        return None
    found = next((t for t in reversed(rules.thresholds_on(pack.code, on)) if t.name == name), None)
    if found is None:
        return None
    return SplittingThreshold(name=name, amount=Money(amount=found.amount, currency=found.currency),
                              citation=found.citation.section)
