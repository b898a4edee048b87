"""Procurement law as data: one rule pack per jurisdiction, every row with its citation.

A pack is a folder ``data/<code>/`` holding ``pack.json`` (currency, language, holiday
calendar, period rules, programs), ``thresholds.csv`` (method by value, dated) and
``time_limits.csv`` (minimum periods between publication and the deadline or opening).
This module only reads them and answers questions; the decider records each answer with
its pack, row and citation (``events.compliance.RuleApplied``).

A jurisdiction code such as ``US-WA-Seattle`` uses the most specific pack that exists
(``US-WA-Seattle``, then ``US-WA``, then ``US``), so a state or a city can add its own
pack without changing code.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from events.compliance import RuleApplied

_DATA = Path(__file__).parent / "data"

# Procurement methods from least to most competitive.
METHODS = ("direct", "limited", "selective", "open")
TYPES = ("RFI", "RFQ", "RFP", "ITB")
#: what is bought: the packs' thresholds and time limits apply to some kinds only
CONTRACT_KINDS = ("goods", "services", "works")


@dataclass(frozen=True)
class Citation:
    section: str
    url: str
    effective_from: date
    #: "law" when the cited text sets the value, "policy" when the value is the marketplace's
    basis: str = "law"


@dataclass(frozen=True)
class Threshold:
    pack: str
    name: str
    applies_to: tuple[str, ...]
    effective_from: date
    amount: int
    currency: str
    minimum_method: str
    formal_types: tuple[str, ...]
    citation: Citation

    @property
    def row(self) -> str:
        return f"thresholds.csv:{self.name}@{self.effective_from}"


@dataclass(frozen=True)
class TimeLimit:
    pack: str
    rule: str
    applies_to: tuple[str, ...]
    method: str | None
    above_threshold: str | None
    days: int
    day_kind: str
    counted_to: str  # "submission_deadline" | "opening_time"
    electronic_reduction_days: int
    effective_from: date
    citation: Citation

    @property
    def row(self) -> str:
        return f"time_limits.csv:{self.rule}@{self.effective_from}:{'|'.join(self.applies_to)}"

    @property
    def required_days(self) -> int:
        """Submission on this marketplace is electronic, so the reduction always applies."""
        return self.days - self.electronic_reduction_days


@dataclass(frozen=True)
class PeriodRule:
    """A rule of ``pack.json``: a number of days (when it has one) and its citation."""

    pack: str
    key: str
    citation: Citation
    days: int = 0
    day_kind: str = "calendar"
    roll_to_business_day: bool = False
    terms: dict[str, Any] = field(default_factory=dict)

    @property
    def row(self) -> str:
        return f"pack.json:rules.{self.key}"


@dataclass(frozen=True)
class Program:
    pack: str
    program: str
    description: str
    citation: Citation
    above: int | None = None
    below: int | None = None
    below_threshold: bool = False
    applies_to: tuple[str, ...] = CONTRACT_KINDS

    @property
    def row(self) -> str:
        return f"pack.json:programs.{self.program}"


@dataclass(frozen=True)
class InterestRate:
    """A dated late-payment interest rate: the published reference rate of a period plus
    the statutory margin (Treasury's prompt payment rate: no margin; the ECB rate: eight
    points), in force from ``effective_from`` through ``effective_to``."""

    pack: str
    effective_from: date
    effective_to: date
    reference_percent: float
    margin_percent: float
    reference: str
    citation: Citation

    @property
    def annual_rate(self) -> float:
        return round((self.reference_percent + self.margin_percent) / 100, 6)

    @property
    def row(self) -> str:
        return f"interest_rates.csv:{self.effective_from}"


@dataclass(frozen=True)
class Pack:
    code: str
    name: str
    currency: str
    language: str
    holiday_calendar: str
    time_zone: str
    federal_fallback: str | None
    rules: dict[str, PeriodRule]
    programs: tuple[Program, ...]
    thresholds: tuple[Threshold, ...]
    time_limits: tuple[TimeLimit, ...]
    interest_rates: tuple[InterestRate, ...] = ()

    def rule(self, key: str) -> PeriodRule | None:
        return self.rules.get(key)

    @property
    def splitting_window_days(self) -> int:
        split = self.rules.get("splitting")
        return int(split.terms.get("window_days", 90)) if split else 90

    @property
    def splitting_thresholds(self) -> tuple[str, ...]:
        split = self.rules.get("splitting")
        return tuple(split.terms.get("thresholds", ())) if split else ()


def _citation(raw: Any) -> Citation:
    """The citation of a ``pack.json`` entry or a CSV row (CSV rows have no basis: law)."""
    return Citation(section=raw["section"], url=raw["url"], effective_from=date.fromisoformat(raw["effective_from"]),
                    basis=raw.get("basis") or "law")


def _kinds(raw: str) -> tuple[str, ...]:
    return CONTRACT_KINDS if raw in ("", "all") else tuple(raw.split("|"))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _load(code: str) -> Pack:
    folder = _DATA / code
    raw = json.loads((folder / "pack.json").read_text())
    meta = {"section", "url", "effective_from", "basis", "days", "day_kind", "roll_to_business_day"}
    rules = {
        key: PeriodRule(pack=code, key=key, citation=_citation(r), days=int(r.get("days", 0)),
                        day_kind=r.get("day_kind", "calendar"), roll_to_business_day=bool(r.get("roll_to_business_day")),
                        terms={k: v for k, v in r.items() if k not in meta})
        for key, r in raw.get("rules", {}).items()
    }
    programs = tuple(
        Program(pack=code, program=p["program"], description=p["description"], citation=_citation(p),
                above=p.get("above"), below=p.get("below"), below_threshold=bool(p.get("below_threshold")),
                applies_to=_kinds(p.get("applies_to", "all")))
        for p in raw.get("programs", [])
    )
    thresholds = tuple(
        Threshold(pack=code, name=r["threshold"], applies_to=_kinds(r["applies_to"]),
                  effective_from=date.fromisoformat(r["effective_from"]), amount=int(r["amount"]),
                  currency=r["currency"], minimum_method=r["minimum_method"],
                  formal_types=tuple(t for t in r["formal_types"].split("|") if t),
                  citation=_citation(r))
        for r in _rows(folder / "thresholds.csv")
    )
    limits = tuple(
        TimeLimit(pack=code, rule=r["rule"], applies_to=_kinds(r["applies_to"]), method=r["method"] or None,
                  above_threshold=r["above_threshold"] or None, days=int(r["days"]), day_kind=r["day_kind"],
                  counted_to=r["counted_to"], electronic_reduction_days=int(r["electronic_reduction_days"] or 0),
                  effective_from=date.fromisoformat(r["effective_from"]),
                  citation=_citation(r))
        for r in _rows(folder / "time_limits.csv")
    )
    rates_file = folder / "interest_rates.csv"
    rates = tuple(
        InterestRate(pack=code, effective_from=date.fromisoformat(r["effective_from"]),
                     effective_to=date.fromisoformat(r["effective_to"]),
                     reference_percent=float(r["reference_percent"]), margin_percent=float(r["margin_percent"] or 0),
                     reference=r["reference"], citation=_citation(r))
        for r in (_rows(rates_file) if rates_file.is_file() else [])
    )
    return Pack(code=code, name=raw["name"], currency=raw["currency"], language=raw["language"],
                holiday_calendar=raw["holiday_calendar"], time_zone=raw["time_zone"],
                federal_fallback=raw.get("federal_fallback"), rules=rules, programs=programs,
                thresholds=thresholds, time_limits=limits, interest_rates=rates)


@cache
def packs() -> dict[str, Pack]:
    return {p.name: _load(p.name) for p in sorted(_DATA.iterdir()) if (p / "pack.json").is_file()}


def rules_code(jurisdiction: str) -> str | None:
    """The most specific jurisdiction with a pack: ``US-WA-Seattle`` -> ``US-WA``."""
    parts = jurisdiction.split("-")
    for n in range(len(parts), 0, -1):
        code = "-".join(parts[:n])
        if code in packs():
            return code
    return None


def pack(jurisdiction: str) -> Pack | None:
    code = rules_code(jurisdiction)
    return packs()[code] if code else None


def thresholds_on(code: str, on: date, kind: str | None = None) -> list[Threshold]:
    """The thresholds in force on ``on`` (for ``kind``, when given): for each name, the
    latest row effective by then."""
    current: dict[str, Threshold] = {}
    for row in packs()[code].thresholds:
        if row.effective_from <= on and (kind is None or kind in row.applies_to):
            if row.name not in current or row.effective_from > current[row.name].effective_from:
                current[row.name] = row
    return sorted(current.values(), key=lambda t: (t.amount, t.name))


@dataclass(frozen=True)
class Requirement:
    """What a value requires: the least competitive method allowed and, above the formal
    threshold, the solicitation types that count as formal sealed procedures."""

    minimum_method: str
    formal_types: tuple[str, ...]
    because: tuple[Threshold, ...]


def requirement(code: str, amount: int, on: date, kind: str = "goods") -> Requirement:
    """The method a value requires on a date: every threshold it exceeds applies."""
    exceeded = [t for t in thresholds_on(code, on, kind) if amount > t.amount]
    return stricter(Requirement(minimum_method="direct", formal_types=(), because=()),
                    *(Requirement(minimum_method=t.minimum_method, formal_types=t.formal_types, because=(t,))
                      for t in exceeded))


def stricter(*requirements: Requirement) -> Requirement:
    """The requirement that satisfies all: the most competitive method, and only the formal
    types every one of them accepts."""
    minimum = "direct"
    formal: tuple[str, ...] | None = None
    because: list[Threshold] = []
    for r in requirements:
        if METHODS.index(r.minimum_method) > METHODS.index(minimum):
            minimum = r.minimum_method
        if r.formal_types:
            formal = r.formal_types if formal is None else tuple(t for t in formal if t in r.formal_types)
        because.extend(r.because)
    return Requirement(minimum_method=minimum, formal_types=formal or (), because=tuple(because))


def time_limits(code: str, on: date, kind: str, method: str, amount: int) -> list[TimeLimit]:
    """The minimum periods that apply to a solicitation of ``kind`` and value published on
    ``on`` with ``method``: for each rule, the latest row in force."""
    exceeded = {t.name for t in thresholds_on(code, on, kind) if amount > t.amount}
    current: dict[tuple[str, str], TimeLimit] = {}
    for row in packs()[code].time_limits:
        if (row.effective_from > on or kind not in row.applies_to or (row.method and row.method != method)
                or (row.above_threshold and row.above_threshold not in exceeded)):
            continue
        key = (row.rule, row.counted_to)
        if key not in current or row.effective_from > current[key].effective_from:
            current[key] = row
    return list(current.values())


def notice_required(notice: PeriodRule, code: str, amount: int, on: date, kind: str) -> bool:
    """A public notice is due above the rule's own ``above`` amount (minor units of the pack's
    currency) when it has one, else above any threshold of the pack."""
    if "above" in notice.terms:
        return amount > int(notice.terms["above"])
    return bool(requirement(code, amount, on, kind).because)


def programs_for(code: str, kind: str, amount: int, on: date) -> list[Program]:
    """The programs (local preference, set-asides, HUB contacts) a solicitation triggers."""
    below_all = all(amount <= t.amount for t in thresholds_on(code, on, kind))
    return [p for p in packs()[code].programs
            if kind in p.applies_to
            and (p.above is None or amount > p.above) and (p.below is None or amount < p.below)
            and (not p.below_threshold or below_all)]


def prompt_payment(code: str, kind: str | None) -> PeriodRule | None:
    """The pack's prompt-payment rule, when it applies to what is bought (``None``: the
    pack sets none, or only for another kind, e.g. California's for public works)."""
    rule = packs()[code].rule("prompt_payment")
    if rule is None:
        return None
    applies = rule.terms.get("applies_to", "all")
    if applies != "all" and (kind is None or kind not in _kinds(applies)):
        return None
    return rule


def statutory_rate(code: str, on: date) -> tuple[float, InterestRate | PeriodRule] | None:
    """The statutory late-payment rate in force on ``on`` and the row it comes from: a
    dated row of ``interest_rates.csv`` covering the date, else a fixed ``annual_rate`` of
    the prompt-payment rule; ``None`` when the pack has no rate on file for that date."""
    for row in packs()[code].interest_rates:
        if row.effective_from <= on <= row.effective_to:
            return row.annual_rate, row
    rule = packs()[code].rule("prompt_payment")
    if rule is not None and "annual_rate" in rule.terms:
        return float(rule.terms["annual_rate"]), rule
    return None


def applied(rule: str, source: Threshold | TimeLimit | PeriodRule | Program | InterestRate, *, required: str, used: str,
            complied: bool | None = True) -> RuleApplied:
    """The record of one rule-driven decision, with the row and its citation."""
    return RuleApplied(rule=rule, pack=source.pack, row=source.row, citation=source.citation.section,
                       url=source.citation.url, effective_from=source.citation.effective_from,
                       basis=source.citation.basis, required=required, used=used, complied=complied)


def citations() -> Iterable[tuple[str, str, Citation]]:
    """Every row of every pack: (pack, row, citation), for the documentation check."""
    for code, p in packs().items():
        sources: list[Threshold | TimeLimit | PeriodRule | Program | InterestRate] = [
            *p.thresholds, *p.time_limits, *p.rules.values(), *p.programs, *p.interest_rates]
        for source in sources:
            yield code, source.row, source.citation
