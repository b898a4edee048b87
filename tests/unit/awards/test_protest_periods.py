"""The window after a notice of intent: the buyer's business days on the agency's holiday
calendar and local dates, and the legal periods of its rule pack (computed by hand)."""

from __future__ import annotations

from datetime import UTC, datetime

from services.awards.deciders.award import protest_window_end
from services.solicitations.facts import rules_for
from tests.unit.awards.fixtures import facts, recommend


def _end(now, jurisdiction, zone, days=5, **kw):
    command = recommend(facts(), protest_window_business_days=days,
                        rules=rules_for("s1", jurisdiction, zone, **kw))
    return protest_window_end(command, now)


def test_far_33_101_a_last_day_on_a_federal_holiday_moves_to_the_next_business_day():
    # Notice on Tuesday 23 June 2026, 10:00 New York; ten days later is Friday 3 July, the
    # observed Independence Day: the protest period runs to the end of Monday 6 July.
    ends, [record] = _end(datetime(2026, 6, 23, 14, tzinfo=UTC), "US", "America/New_York")
    assert ends == datetime(2026, 7, 7, 3, 59, 59, 999999, tzinfo=UTC)
    assert record.rule == "protest_window" and record.pack == "US" and "FAR 33.103(e)" in record.citation
    assert record.used == "open until 2026-07-06T23:59:59.999999-04:00"


def test_directive_89_665_art_2a_standstill_ends_after_easter_monday_in_paris():
    # Award decision sent Friday 27 March 2026, 14:00 Paris (clocks change on the 29th). Ten
    # days later is Easter Monday 6 April: the standstill ends with Tuesday 7 April.
    ends, [record] = _end(datetime(2026, 3, 27, 13, tzinfo=UTC), "EU", "Europe/Paris")
    assert ends == datetime(2026, 4, 7, 21, 59, 59, 999999, tzinfo=UTC)
    assert record.rule == "standstill" and "art. 2a(2)" in record.citation


def test_the_buyers_window_counts_washington_holidays_on_seattle_dates():
    # Wednesday 25 November 2026, 10:00 Seattle: Thanksgiving and Native American Heritage
    # Day (RCW 1.16.050) do not count; the fifth business day is Friday 4 December.
    ends, [record] = _end(datetime(2026, 11, 25, 18, tzinfo=UTC), "US-WA-Seattle", "America/Los_Angeles")
    assert ends == datetime(2026, 12, 4, 18, tzinfo=UTC)
    # no statutory protest period in the Washington pack: the record names the calendar that counted
    assert (record.rule, record.pack, record.row, record.basis) == (
        "protest_window", "US-WA", "pack.json:holiday_calendar", "policy")
    assert "RCW 1.16.050" in record.citation and record.url == "https://app.leg.wa.gov/RCW/default.aspx?cite=1.16.050"
    assert record.used == "open until 2026-12-04T10:00:00-08:00"
    # under the federal calendar the Friday after Thanksgiving is a business day
    federal, [texas] = _end(datetime(2026, 11, 25, 15, tzinfo=UTC), "US-TX", "America/Chicago")
    assert federal == datetime(2026, 12, 3, 15, tzinfo=UTC)
    assert texas.pack == "US-TX" and "5 U.S.C. 6103(a)" in texas.citation


def test_the_longer_of_the_buyers_window_and_the_legal_period_applies():
    ends, [record] = _end(datetime(2026, 6, 23, 14, tzinfo=UTC), "US", "America/New_York", days=20)
    assert ends == datetime(2026, 7, 22, 14, tzinfo=UTC)  # 20 business days (3 July excluded)
    assert record.used == "open until 2026-07-22T10:00:00-04:00"
