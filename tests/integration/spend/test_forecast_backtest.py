"""The forecast over three years of generated spend with a known seasonal pattern, through
the spend projection: the expected spend repeats last year's months and the back-tested
error it reports is within the bound the pattern's noise allows."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from events.base import Money
from events.payments import PaymentStarted, PaymentSucceeded
from projections.spend.forecast import build_forecast
from projections.spend.months import add_months
from projections.spend.projection import SpendProjection
from tests.integration.search import builders as b
from tests.integration.spend.scenario import contract

#: spend doubles at the fiscal year end (June) and dips in summer; each month within +-5 %
SHAPE = [1.0, 0.9, 1.1, 1.0, 1.2, 2.0, 0.6, 0.5, 0.9, 1.0, 1.1, 1.4]
NOISE = 0.05
START = date(2023, 1, 1)
YEARS = 3


async def test_seasonal_history_backtests_within_the_noise_bound(readmodel):
    rng = random.Random(7)
    await b.append(readmodel.store, "solicitation-s-fuel", [
        b.solicitation("s-fuel", "fleet", "Fuel", codes=("15101500",), deadline=datetime(2022, 12, 1, tzinfo=UTC))],
        datetime(2022, 11, 1, tzinfo=UTC))
    await b.append(readmodel.store, "contract-k-fuel", [contract("k-fuel", "s-fuel", "fuelco", date(2026, 8, 31),
                                                                 agency="fleet")], datetime(2022, 12, 1, tzinfo=UTC))
    paid: dict[date, int] = {}
    for m in range(12 * YEARS):
        month = add_months(START, m)
        target = round(400_000_00 * SHAPE[m % 12] * (1 + rng.uniform(-NOISE, NOISE)))
        for n, share in enumerate((0.5, 0.3, 0.2)):  # three payments a month add up to the month's spend
            amount = round(target * share)
            paid[month] = paid.get(month, 0) + amount
            when = datetime(month.year, month.month, 5 + 7 * n, 12, tzinfo=UTC)
            pid = f"f{m:02d}-{n}"
            await b.append(readmodel.store, f"payment-{pid}", [
                PaymentStarted(payment_id=pid, invoice_id=f"inv-{pid}", contract_id="k-fuel", agency_id="fleet",
                               vendor_id="fuelco", amount=Money(amount=amount, currency="USD"),
                               stripe_payment_intent="pi"),
                PaymentSucceeded(payment_id=pid, amount=Money(amount=amount, currency="USD"), paid_at=when,
                                 interest=Money(amount=0, currency="USD"))], when - timedelta(hours=1))
    await b.project(readmodel, SpendProjection())

    today = date(2026, 1, 20)  # three complete years of history before this month
    async with readmodel.pool.acquire() as conn:
        forecast = await build_forecast(conn, "fleet", today, "USD")
    [fuel] = forecast.categories
    assert fuel.category == "15" and fuel.history_months == 24  # the last two years are read
    last_year = [paid[add_months(date(2025, 1, 1), h)] for h in range(12)]
    assert [m.expected_spend for m in fuel.months] == last_year
    assert fuel.expected_total == sum(last_year)
    assert fuel.backtest is not None and fuel.backtest.months == 12
    # each month within +-5 % of the shape: a year-old month is off by at most 10.53 %
    assert fuel.backtest.wape_percent is not None and 0 < fuel.backtest.wape_percent <= 10.53
    errors = [abs(paid[add_months(date(2024, 1, 1), h)] - paid[add_months(date(2025, 1, 1), h)]) for h in range(12)]
    assert fuel.backtest.mean_absolute_error == round(sum(errors) / 12)
    due = [r.contract_id for m in fuel.months for r in m.recompetitions]
    assert due == ["k-fuel"] and fuel.months[7].month == "2026-08" and fuel.months[7].recompetitions
    assert forecast.method.name == "seasonal_naive"
