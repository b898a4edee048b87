"""Interest accrued to today on an overdue unpaid invoice, on known dates."""

from datetime import UTC, date, datetime

from events.base import Money
from services.payments.facts import accrued


def usd(cents: int) -> Money:
    return Money(amount=cents, currency="USD")


def test_interest_accrues_from_the_day_after_the_due_date_through_today():
    # $10,000.00 unpaid at 5 % a year, due 2026-04-01, today 2026-04-11: 1,000,000 * 0.05 * 10 / 365 = 1369.86
    assert accrued(usd(1_000_000), date(2026, 4, 1), datetime(2026, 4, 11, 15, tzinfo=UTC), 0.05, None) == (
        date(2026, 4, 11), usd(1370))
    # $250,000.00 at 6 %, 31 days (across a month end): 25,000,000 * 0.06 * 31 / 365 = 127,397.26
    assert accrued(usd(25_000_000), date(2026, 1, 31), datetime(2026, 3, 3, 9, tzinfo=UTC), 0.06, None) == (
        date(2026, 3, 3), usd(127_397))


def test_nothing_accrues_on_the_due_date_or_without_a_balance():
    due = date(2026, 4, 1)
    assert accrued(usd(1_000_000), due, datetime(2026, 4, 1, 23, tzinfo=UTC), 0.05, None) is None
    assert accrued(usd(0), due, datetime(2026, 5, 1, tzinfo=UTC), 0.05, None) is None
    assert accrued(usd(1_000_000), None, datetime(2026, 5, 1, tzinfo=UTC), 0.05, None) is None
    # one day late on $1,000.00: 13.7 cents, under a dollar, is not owed (but the invoice is overdue)
    assert accrued(usd(100_000), due, datetime(2026, 4, 2, 12, tzinfo=UTC), 0.05, None) == (date(2026, 4, 2), usd(0))
