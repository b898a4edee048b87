"""Procurement law as data: thresholds, open periods, holidays and per-jurisdiction settings.

The tables live in ``data/``; this module only reads them and answers questions. A
jurisdiction code such as ``US-WA-Seattle`` uses the most specific table that exists
(``US-WA-Seattle``, then ``US-WA``, then ``US``), so a state can add its own rows
without changing code.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data"

# Procurement methods from least to most competitive.
METHODS = ("direct", "limited", "selective", "open")
TYPES = ("RFI", "RFQ", "RFP", "ITB")


@dataclass(frozen=True)
class Threshold:
    jurisdiction: str
    name: str
    effective_from: date
    amount: int
    currency: str
    minimum_method: str
    formal_types: tuple[str, ...]


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    holiday_calendar: str
    addendum_extension_days: int
    splitting_window_days: int
    splitting_thresholds: tuple[str, ...]


@cache
def _thresholds() -> tuple[Threshold, ...]:
    with (_DATA / "thresholds.csv").open(newline="") as fh:
        return tuple(
            Threshold(
                jurisdiction=row["jurisdiction"],
                name=row["threshold"],
                effective_from=date.fromisoformat(row["effective_from"]),
                amount=int(row["amount"]),
                currency=row["currency"],
                minimum_method=row["minimum_method"],
                formal_types=tuple(t for t in row["formal_types"].split("|") if t),
            )
            for row in csv.DictReader(fh)
        )


@cache
def _open_periods() -> dict[tuple[str, str], int]:
    with (_DATA / "open_periods.csv").open(newline="") as fh:
        return {(r["jurisdiction"], r["method"]): int(r["minimum_business_days"]) for r in csv.DictReader(fh)}


@cache
def _jurisdictions() -> dict[str, dict[str, object]]:
    return json.loads((_DATA / "jurisdictions.json").read_text())


@cache
def holidays(calendar: str) -> frozenset[date]:
    path = _DATA / "holidays" / f"{calendar}.csv"
    if not path.exists():
        return frozenset()
    with path.open(newline="") as fh:
        return frozenset(date.fromisoformat(r["date"]) for r in csv.DictReader(fh))


def rules_code(jurisdiction: str) -> str | None:
    """The most specific jurisdiction with rules: ``US-WA-Seattle`` -> ``US``."""
    parts = jurisdiction.split("-")
    for n in range(len(parts), 0, -1):
        code = "-".join(parts[:n])
        if code in _jurisdictions():
            return code
    return None


def jurisdiction(code: str) -> Jurisdiction | None:
    found = rules_code(code)
    if found is None:
        return None
    raw = _jurisdictions()[found]
    return Jurisdiction(
        code=found,
        holiday_calendar=str(raw.get("holiday_calendar", found)),
        addendum_extension_days=int(raw.get("addendum_extension_days", 0)),  # type: ignore[call-overload]
        splitting_window_days=int(raw.get("splitting_window_days", 90)),  # type: ignore[call-overload]
        splitting_thresholds=tuple(raw.get("splitting_thresholds", ())),  # type: ignore[arg-type]
    )


def thresholds_on(code: str, on: date) -> list[Threshold]:
    """The thresholds in force on ``on``: for each name, the latest row effective by then."""
    current: dict[str, Threshold] = {}
    for row in _thresholds():
        if row.jurisdiction == code and row.effective_from <= on:
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


def requirement(code: str, amount: int, on: date) -> Requirement:
    """The method a value requires on a date: every threshold it exceeds applies."""
    exceeded = [t for t in thresholds_on(code, on) if amount > t.amount]
    minimum = "direct"
    formal: tuple[str, ...] = ()
    for t in exceeded:
        if METHODS.index(t.minimum_method) > METHODS.index(minimum):
            minimum = t.minimum_method
        if t.formal_types:
            formal = t.formal_types
    return Requirement(minimum_method=minimum, formal_types=formal, because=tuple(exceeded))


def minimum_open_days(code: str, method: str) -> int:
    return _open_periods().get((code, method), 0)


def is_business_day(day: date, calendar: str) -> bool:
    return day.weekday() < 5 and day not in holidays(calendar)


def business_days_between(start: datetime, end: datetime, calendar: str) -> int:
    """Whole business days after ``start``'s date up to and including ``end``'s date (UTC)."""
    count = 0
    day = start.date() + timedelta(days=1)
    last = end.date()
    while day <= last:
        if is_business_day(day, calendar):
            count += 1
        day += timedelta(days=1)
    return count
