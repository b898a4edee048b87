"""Due dates and late-payment interest on known dates."""

from datetime import UTC, date, datetime

from events.base import Money
from services.payments.prompt_payment import (
    acceptance_deadline,
    days_late,
    due_date,
    interest_owed,
    paid_on_time,
)


def usd(cents: int) -> Money:
    return Money(amount=cents, currency="USD")


def test_due_date_is_the_later_of_receipt_and_acceptance_plus_n_days():
    received = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    assert due_date(received, datetime(2026, 3, 2, 16, 0, tzinfo=UTC), 30) == date(2026, 4, 1)
    # accepted five days later: 30 days from acceptance is later
    assert due_date(received, datetime(2026, 3, 7, 9, 0, tzinfo=UTC), 30) == date(2026, 4, 6)
    # an agency with 45-day terms
    assert due_date(received, received, 45) == date(2026, 4, 16)


def test_acceptance_is_deemed_seven_days_after_receipt():
    received = datetime(2026, 12, 28, 10, 30, tzinfo=UTC)
    assert acceptance_deadline(received) == datetime(2027, 1, 4, 10, 30, tzinfo=UTC)
    # deemed acceptance on Jan 4 makes the invoice due 30 days after that
    assert due_date(received, acceptance_deadline(received), 30) == date(2027, 2, 3)


def test_no_interest_on_or_before_the_due_date():
    due = date(2026, 4, 1)
    assert interest_owed(usd(1_000_000), due, date(2026, 3, 20), 0.08) == usd(0)
    assert interest_owed(usd(1_000_000), due, due, 0.08) == usd(0)
    assert paid_on_time(due, due)
    assert not paid_on_time(due, date(2026, 4, 2))


def test_simple_daily_interest_from_the_day_after_the_due_date():
    # $10,000.00 at 5% a year, paid 10 days late: 1,000,000 * 0.05 * 10 / 365 = 1369.86 cents
    due = date(2026, 4, 1)
    assert days_late(due, date(2026, 4, 11)) == 10
    assert interest_owed(usd(1_000_000), due, date(2026, 4, 11), 0.05) == usd(1370)
    # $250,000.00 at 6%, 31 days late (across a month end): 25,000,000*0.06*31/365 = 127,397.26
    assert interest_owed(usd(25_000_000), date(2026, 1, 31), date(2026, 3, 3), 0.06) == usd(127_397)


def test_interest_under_one_dollar_is_not_owed():
    due = date(2026, 4, 1)
    # $1,000.00 at 5% for 7 days = 95.89 cents: under a dollar, so nothing
    assert interest_owed(usd(100_000), due, date(2026, 4, 8), 0.05) == usd(0)
    # 8 days = 109.59 cents: owed
    assert interest_owed(usd(100_000), due, date(2026, 4, 9), 0.05) == usd(110)


def test_interest_keeps_the_currency_and_its_minor_unit():
    # yen have no minor unit: one yen is the threshold
    owed = interest_owed(Money(amount=5_000_000, currency="JPY"), date(2026, 1, 1), date(2026, 1, 2), 0.1)
    assert owed == Money(amount=1370, currency="JPY")
    assert interest_owed(usd(1_000_000), date(2026, 1, 1), date(2026, 2, 1), 0.0) == usd(0)


def test_an_invoice_received_monday_evening_in_seattle_is_due_from_monday():
    # 18:00 Monday 2 March 2026 in Seattle is Tuesday 02:00 UTC; thirty days after Monday.
    received = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    assert due_date(received, received, 30, "America/Los_Angeles") == date(2026, 4, 1)
    assert due_date(received, received, 30) == date(2026, 4, 2)  # the old count on UTC dates


def test_deemed_acceptance_keeps_the_local_time_across_the_eu_change():
    # Received Friday 27 March 2026 at 14:00 in Paris; clocks go forward on the 29th.
    received = datetime(2026, 3, 27, 13, 0, tzinfo=UTC)
    assert acceptance_deadline(received, "Europe/Paris") == datetime(2026, 4, 3, 12, 0, tzinfo=UTC)
