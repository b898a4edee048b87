"""Calendar months as the spend read model keys them: the first day of each month."""

from __future__ import annotations

from datetime import date


def first_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from ``first`` through ``last`` (first days)."""
    found, month = [], first_of(first)
    while month <= last:
        found.append(month)
        month = add_months(month, 1)
    return found


def month_name(month: date) -> str:
    return month.strftime("%Y-%m")


def parse_month(text: str) -> date:
    """``YYYY-MM`` -> its first day (``ValueError`` when it is not a month)."""
    year, _, month = text.partition("-")
    if len(year) != 4 or len(month) != 2 or not (year + month).isdigit():
        raise ValueError(text)
    return date(int(year), int(month), 1)
