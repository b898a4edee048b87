"""What other contexts may know of solicitations: the rule pack of a jurisdiction and the
period rules (protest, standstill) that apply to one process, with their citations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from kernel import calendar
from services.solicitations import rules
from services.solicitations.deciders.solicitation import SOLICITATION


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


class PaymentTerms(msgspec.Struct, frozen=True, kw_only=True):
    """The prompt-payment terms of a pack, where it sets them (else the marketplace's 30
    days and 5 % a year)."""

    days: int = 30
    annual_rate: float = 0.05
    citation: str | None = None


def payment_terms(jurisdiction: str) -> PaymentTerms:
    pack = rules.pack(jurisdiction)
    rule = pack.rule("prompt_payment") if pack else None
    if rule is None or rule.terms.get("applies_to", "all") != "all":
        return PaymentTerms()
    return PaymentTerms(days=int(rule.days or rule.terms.get("days", 30)),
                        annual_rate=float(rule.terms.get("annual_rate", 0.05)), citation=rule.citation.section)


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


def business_days_before(moment: datetime, days: int, jurisdiction: str) -> datetime:
    """The same local time ``days`` business days before ``moment``, in the holiday
    calendar and zone of ``jurisdiction``'s rule pack (reminders before a deadline)."""
    time_zone = default_time_zone(jurisdiction)
    holidays = calendar.holiday_calendar(rules_for("", jurisdiction, time_zone).holiday_calendar)
    at, left = calendar.local(moment, time_zone), days
    while left > 0:
        at -= timedelta(days=1)
        if holidays.is_business_day(at.date()):
            left -= 1
    return at.astimezone(UTC)
class SolicitationFacts(msgspec.Struct, frozen=True, kw_only=True):
    solicitation_id: str
    agency_id: str
    #: "draft" | "published" | "closed" | "cancelled" | "under_evaluation" | "awarded" | ...
    status: str
    published_at: datetime | None = None
    opened_at: datetime | None = None

    @property
    def public(self) -> bool:
        return self.published_at is not None


async def solicitation_facts(executor: Any, solicitation_id: str) -> SolicitationFacts | None:
    """The solicitation's lifecycle facts, strongly consistent; None when there is none."""
    state, version = await executor.load(SOLICITATION, solicitation_id)
    if version == 0 or not state.exists:
        return None
    return SolicitationFacts(solicitation_id=state.solicitation_id, agency_id=state.agency_id,
                             status=state.status, published_at=state.published_at,
                             opened_at=state.opened_at)
