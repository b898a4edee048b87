"""Business days for the protest window (Monday to Friday, UTC; public holidays are not
modelled, so an agency that observes one sets a longer window)."""

from __future__ import annotations

from datetime import datetime, timedelta


def add_business_days(start: datetime, days: int) -> datetime:
    """The same time of day ``days`` business days after ``start``; a start on a weekend
    counts from the following Monday's time of day."""
    current = start
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current
