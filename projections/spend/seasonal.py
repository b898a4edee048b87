"""The forecast's method, as pure functions: seasonal naive, and its back-test.

Seasonal naive: the spend expected in a month is the spend of the same calendar month a
year before. It needs one year of history; its error is measured by forecasting each of
the last (up to) twelve months of history the same way, from the year before it, and
comparing with what was paid: the mean absolute error (in minor units) and the weighted
absolute percentage error (the absolute errors over the spend paid, in percent).
"""

from __future__ import annotations

import msgspec

SEASON = 12
BACKTEST_WINDOW = 12


class BackTest(msgspec.Struct, frozen=True, kw_only=True):
    #: how many months of history were forecast and compared
    months: int
    mean_absolute_error: int
    #: sum of absolute errors over the sum paid, percent (``None``: nothing paid in those months)
    wape_percent: float | None


def seasonal_naive(history: list[int], horizon: int) -> list[int] | None:
    """The next ``horizon`` (at most a season) months after ``history``, or ``None`` with
    less than a season of history."""
    if len(history) < SEASON or horizon > SEASON:
        return None
    return [history[len(history) - SEASON + h] for h in range(horizon)]


def backtest(history: list[int], window: int = BACKTEST_WINDOW) -> BackTest | None:
    """The seasonal naive forecast of each of the last ``window`` months of ``history``
    (those with a year before them) against what was paid; ``None`` with no such month."""
    months = range(max(SEASON, len(history) - window), len(history))
    errors = [abs(history[t] - history[t - SEASON]) for t in months]
    if not errors:
        return None
    paid = sum(abs(history[t]) for t in months)
    return BackTest(months=len(errors), mean_absolute_error=round(sum(errors) / len(errors)),
                    wape_percent=round(100.0 * sum(errors) / paid, 2) if paid else None)
