from datetime import UTC, datetime, timedelta, timezone

import pytest

from projections.ocds.values import day_end, day_start, timestamp, value


@pytest.mark.parametrize(
    ("minor", "currency", "major"),
    [
        (123456, "USD", 1234.56),
        (100000, "USD", 1000),
        (5, "USD", 0.05),
        (1500, "JPY", 1500),
        (1234567, "KWD", 1234.567),
        (-250, "EUR", -2.5),
    ],
)
def test_minor_units_become_major_units_by_currency_exponent(minor, currency, major):
    converted = value({"amount": minor, "currency": currency})
    assert converted == {"amount": major, "currency": currency}
    assert type(converted["amount"]) is type(major)


def test_sign_turns_a_refund_negative():
    assert value({"amount": 1999, "currency": "USD"}, sign=-1)["amount"] == -19.99


def test_timestamps_are_utc_with_z_and_naive_times_are_refused():
    eastern = timezone(timedelta(hours=-5))
    assert timestamp(datetime(2026, 3, 1, 9, 30, tzinfo=eastern)) == "2026-03-01T14:30:00Z"
    assert timestamp("2026-03-01T14:30:00Z") == "2026-03-01T14:30:00Z"
    with pytest.raises(ValueError):
        timestamp(datetime(2026, 3, 1, 9, 30))
    assert timestamp(datetime(2026, 3, 1, tzinfo=UTC)) == "2026-03-01T00:00:00Z"


def test_contract_days_cover_the_whole_day():
    assert day_start("2026-04-01") == "2026-04-01T00:00:00Z"
    assert day_end("2026-12-31") == "2026-12-31T23:59:59Z"
