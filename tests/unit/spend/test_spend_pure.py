"""The forecast's method and the report's pure arithmetic, without servers."""

from __future__ import annotations

import random
from datetime import date

from projections.spend.cube import Slice
from projections.spend.forecast import series
from projections.spend.months import add_months, months_between, parse_month
from projections.spend.report import level, percent, trends
from projections.spend.seasonal import backtest, seasonal_naive

#: a year's seasonal shape: spend doubles at the fiscal year end (June) and dips in summer
SHAPE = [1.0, 0.9, 1.1, 1.0, 1.2, 2.0, 0.6, 0.5, 0.9, 1.0, 1.1, 1.4]
NOISE = 0.05


def _history(years: int, seed: int) -> list[int]:
    """Monthly spend following SHAPE, each month off by at most NOISE either way."""
    rng = random.Random(seed)
    return [round(1_000_000_00 * SHAPE[m % 12] * (1 + rng.uniform(-NOISE, NOISE))) for m in range(12 * years)]


def test_seasonal_naive_repeats_the_same_month_of_the_year_before():
    history = list(range(1, 25))  # two years, month n paid n
    assert seasonal_naive(history, 12) == list(range(13, 25))
    assert seasonal_naive(history, 3) == [13, 14, 15]
    assert seasonal_naive(history[:11], 12) is None  # less than a season


def test_backtest_by_hand():
    # 13 months: only the 13th has a year before it: forecast 100, paid 130
    history = [100] + [50] * 11 + [130]
    tested = backtest(history)
    assert tested is not None
    assert (tested.months, tested.mean_absolute_error, tested.wape_percent) == (1, 30, 23.08)
    assert backtest([5] * 12) is None  # no month with a year before it
    assert backtest([0] * 13).wape_percent is None  # nothing paid: no percentage


def test_backtest_on_a_known_seasonal_pattern_stays_within_its_bound():
    """With every month within +-5 % of a fixed seasonal shape, the same month a year before
    is off by at most 0.10 / 0.95 = 10.53 % of what was paid: the weighted error must be
    inside that bound, and far below the error of ignoring the season (the flat mean)."""
    for seed in range(20):
        history = _history(3, seed)
        tested = backtest(history)
        assert tested is not None and tested.months == 12
        assert tested.wape_percent is not None and tested.wape_percent <= 10.53
        last_year = history[-12:]
        flat = sum(last_year) / 12
        flat_wape = 100 * sum(abs(a - flat) for a in last_year) / sum(last_year)
        assert tested.wape_percent < flat_wape / 2
        # and the forecast of the next year keeps the shape: June is the peak
        forecast = seasonal_naive(history, 12)
        assert forecast is not None and forecast.index(max(forecast)) == 5


def test_series_starts_at_the_first_payment_and_fills_gaps_with_zero():
    amounts = {date(2025, 3, 1): 10, date(2025, 5, 1): 30, date(2026, 4, 1): 99}
    assert series(amounts, date(2025, 7, 1)) == [10, 0, 30, 0]
    assert series({}, date(2025, 7, 1)) == []


def test_months_and_trends():
    assert parse_month("2026-02") == date(2026, 2, 1)
    assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert add_months(date(2026, 1, 1), -13) == date(2024, 12, 1)
    assert len(months_between(date(2025, 12, 1), date(2026, 11, 1))) == 12
    s = Slice(first=date(2026, 1, 1), last=date(2026, 4, 1), currency="USD")
    got = trends(s, {"2026-01": (100, 1), "2026-03": (50, 1), "2026-04": (75, 2)})
    assert [(t.month, t.amount, t.change_percent) for t in got] == [
        ("2026-01", 100, None), ("2026-02", 0, -100.0), ("2026-03", 50, None), ("2026-04", 75, 50.0)]


def test_concentration_bands_and_shares():
    assert (level(999.9), level(1000.0), level(1800.0), level(1800.1)) == (
        "unconcentrated", "moderate", "moderate", "high")
    assert percent(1, 3) == 33.33 and percent(1, 0) is None
