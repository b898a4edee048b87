"""The one business-day calendar: local dates of an IANA zone, holidays from data.

Every rule that counts days (open periods, addendum extensions, notice of intent and
standstill, protest windows, deemed acceptance of invoices, reminders) counts them here,
on the *local* dates of the agency's zone, never on UTC dates: 18:00 on a Monday in
Seattle is Monday, although it is already Tuesday in UTC.

A holiday calendar is a file ``kernel/data/holidays/<name>.json`` of rules (a fixed date,
the n-th weekday of a month, an offset from Easter) with the rule for a holiday that
falls on a weekend (observed on the Friday before, the Monday after, or not at all).
The rules are expanded into concrete dates for ``FIRST_YEAR``..``LAST_YEAR``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_DATA = Path(__file__).parent / "data" / "holidays"
FIRST_YEAR = 2024
LAST_YEAR = 2035
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: how days are counted: every calendar day, or only business days of a calendar
CALENDAR_DAYS = "calendar"
BUSINESS_DAYS = "business"


@dataclass(frozen=True)
class HolidayCalendar:
    name: str
    title: str
    citation: str
    url: str
    holidays: dict[date, str]
    weekend: frozenset[int]

    def is_business_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; ``ValueError`` when it does not exist."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {name!r}") from exc


def is_zone(name: str) -> bool:
    try:
        zone(name)
    except ValueError:
        return False
    return "/" in name or name == "UTC"


def local(instant: datetime, zone_name: str) -> datetime:
    """The wall-clock time of ``instant`` in the zone."""
    return instant.astimezone(zone(zone_name))


def local_date(instant: datetime, zone_name: str) -> date:
    return local(instant, zone_name).date()


def at_local(day: date, wall: time, zone_name: str) -> datetime:
    """The instant (UTC) at which the zone's clocks show ``wall`` on ``day``."""
    return datetime.combine(day, wall, tzinfo=zone(zone_name)).astimezone(UTC)


def easter(year: int) -> date:
    """Western (Gregorian) Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))
    return last - timedelta(days=(last.weekday() - weekday) % 7 + 7 * (-nth - 1))


def _actual(rule: dict[str, object], year: int) -> date:
    if "easter_offset" in rule:
        return easter(year) + timedelta(days=int(rule["easter_offset"]))  # type: ignore[call-overload]
    month = int(rule["month"])  # type: ignore[call-overload]
    if "weekday" in rule:
        return _nth_weekday(year, month, _WEEKDAYS.index(str(rule["weekday"])), int(rule["nth"]))  # type: ignore[call-overload]
    return date(year, month, int(rule["day"]))  # type: ignore[call-overload]


def _observed(day: date, rule: dict[str, str]) -> date:
    shift = rule.get(_WEEKDAYS[day.weekday()])
    if shift is None:
        return day
    target = _WEEKDAYS.index(shift)
    delta = target - day.weekday()
    # "friday" for a Saturday means the day before; "monday" for a Sunday the day after
    if shift in ("friday",) and delta > 0:
        delta -= 7
    if shift in ("monday",) and delta < 0:
        delta += 7
    return day + timedelta(days=delta)


@cache
def holiday_calendar(name: str) -> HolidayCalendar:
    """The calendar named ``name`` (a file in ``kernel/data/holidays``); ``KeyError`` if none."""
    path = _DATA / f"{name}.json"
    if not path.is_file():
        raise KeyError(f"no holiday calendar {name!r}")
    raw = json.loads(path.read_text())
    default_observed: dict[str, str] = raw.get("observed", {})
    days: dict[date, str] = {}
    for year in range(FIRST_YEAR - 1, LAST_YEAR + 2):
        for rule in raw["holidays"]:
            if not rule.get("from_year", 0) <= year <= rule.get("to_year", 9999):
                continue
            observed = _observed(_actual(rule, year), rule.get("observed", default_observed))
            if FIRST_YEAR <= observed.year <= LAST_YEAR:
                days[observed] = str(rule["name"])
    return HolidayCalendar(name=name, title=raw["title"], citation=raw["citation"], url=raw["url"],
                           holidays=dict(sorted(days.items())),
                           weekend=frozenset(_WEEKDAYS.index(d) for d in raw.get("weekend", ["saturday", "sunday"])))


def calendars() -> list[str]:
    return sorted(p.stem for p in _DATA.glob("*.json"))


def business_days_between(start: datetime, end: datetime, calendar: str, zone_name: str) -> int:
    """Business days after ``start``'s local date up to and including ``end``'s local date."""
    cal = holiday_calendar(calendar)
    day = local_date(start, zone_name) + timedelta(days=1)
    last = local_date(end, zone_name)
    count = 0
    while day <= last:
        count += cal.is_business_day(day)
        day += timedelta(days=1)
    return count


def calendar_days_between(start: datetime, end: datetime, zone_name: str) -> int:
    """Whole local dates after ``start``'s up to and including ``end``'s."""
    return (local_date(end, zone_name) - local_date(start, zone_name)).days


def days_between(start: datetime, end: datetime, kind: str, calendar: str, zone_name: str) -> int:
    if kind == BUSINESS_DAYS:
        return business_days_between(start, end, calendar, zone_name)
    return calendar_days_between(start, end, zone_name)


def next_business_day(day: date, calendar: str) -> date:
    """``day`` itself when it is a business day, else the next one."""
    cal = holiday_calendar(calendar)
    while not cal.is_business_day(day):
        day += timedelta(days=1)
    return day


def add_days(start: datetime, days: int, kind: str, calendar: str, zone_name: str,
             *, roll_to_business_day: bool = False) -> datetime:
    """The instant ``days`` days (business or calendar) after ``start`` at the same local
    wall-clock time, so that 14:00 stays 14:00 across a daylight-saving change. With
    ``roll_to_business_day`` a period of calendar days that ends on a weekend or holiday
    ends on the next business day instead (FAR 33.101, Regulation 1182/71 art. 3(4))."""
    wall = local(start, zone_name)
    day = wall.date()
    if kind == BUSINESS_DAYS:
        cal = holiday_calendar(calendar)
        added = 0
        while added < days:
            day += timedelta(days=1)
            added += cal.is_business_day(day)
    else:
        day += timedelta(days=days)
        if roll_to_business_day:
            day = next_business_day(day, calendar)
    return at_local(day, wall.time().replace(tzinfo=None), zone_name)


def business_days_before(moment: datetime, days: int, calendar: str, zone_name: str) -> datetime:
    """The same local wall-clock time ``days`` business days before ``moment`` (reminders
    ahead of a deadline)."""
    cal = holiday_calendar(calendar)
    wall = local(moment, zone_name)
    day, left = wall.date(), days
    while left > 0:
        day -= timedelta(days=1)
        left -= cal.is_business_day(day)
    return at_local(day, wall.time().replace(tzinfo=None), zone_name)


def end_of_local_day(instant: datetime, zone_name: str) -> datetime:
    """The last instant of ``instant``'s local date (a period "ends at the end of the day")."""
    day = local_date(instant, zone_name) + timedelta(days=1)
    return at_local(day, time(0), zone_name) - timedelta(microseconds=1)
