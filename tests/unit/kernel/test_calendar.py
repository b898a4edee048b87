"""The one business-day calendar: local dates, holidays from rules, daylight saving.

Every expected value below was computed by hand from a wall calendar and the cited rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from kernel import calendar
from kernel.calendar import BUSINESS_DAYS, CALENDAR_DAYS


def test_regression_monday_evening_pacific_publication_counts_from_monday():
    # 18:00 on Monday 2 March 2026 in Seattle is already Tuesday 02:00 in UTC. Counted on UTC
    # dates, Tuesday was lost; on Seattle's dates Tue, Wed, Thu and Fri all count.
    published = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    deadline = datetime(2026, 3, 7, 1, 0, tzinfo=UTC)  # Friday 17:00 in Seattle
    assert calendar.local(published, "America/Los_Angeles").strftime("%a %H:%M") == "Mon 18:00"
    assert calendar.business_days_between(published, deadline, "US", "America/Los_Angeles") == 4


def test_regression_just_after_midnight_paris_publication_counts_from_tuesday():
    # 00:30 on Tuesday 3 March 2026 in Paris is still Monday 23:30 in UTC. Counted on UTC
    # dates, Tuesday counted as a business day of the period; on Paris dates only Wed-Fri do.
    published = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    deadline = datetime(2026, 3, 6, 11, 0, tzinfo=UTC)  # Friday 12:00 in Paris
    assert calendar.local(published, "Europe/Paris").strftime("%a %H:%M") == "Tue 00:30"
    assert calendar.business_days_between(published, deadline, "FR", "Europe/Paris") == 3


def test_a_deadline_at_14_local_stays_at_14_across_the_us_spring_change():
    # Clocks in Chicago go forward on Sunday 8 March 2026: 14:00 is 20:00 UTC before, 19:00 after.
    friday = datetime(2026, 3, 6, 20, 0, tzinfo=UTC)
    later = calendar.add_days(friday, 5, BUSINESS_DAYS, "US", "America/Chicago")
    assert later == datetime(2026, 3, 13, 19, 0, tzinfo=UTC)
    assert calendar.local(later, "America/Chicago").time() == time(14, 0)


def test_a_deadline_at_14_local_stays_at_14_across_the_us_autumn_change():
    # Clocks in Seattle go back on Sunday 1 November 2026: 14:00 PDT is 21:00 UTC, 14:00 PST 22:00.
    friday = datetime(2026, 10, 30, 21, 0, tzinfo=UTC)
    assert calendar.add_days(friday, 1, BUSINESS_DAYS, "US-WA", "America/Los_Angeles") == \
        datetime(2026, 11, 2, 22, 0, tzinfo=UTC)


def test_a_deadline_at_14_local_stays_at_14_across_the_eu_spring_change_and_easter_monday():
    # Paris goes to summer time on Sunday 29 March 2026. Ten calendar days after Friday 27
    # March is Monday 6 April, Easter Monday (a jour férié): the period ends Tuesday 7 April.
    friday = datetime(2026, 3, 27, 13, 0, tzinfo=UTC)  # 14:00 CET
    plain = calendar.add_days(friday, 10, CALENDAR_DAYS, "FR", "Europe/Paris")
    assert plain == datetime(2026, 4, 6, 12, 0, tzinfo=UTC)  # 14:00 CEST
    rolled = calendar.add_days(friday, 10, CALENDAR_DAYS, "FR", "Europe/Paris", roll_to_business_day=True)
    assert rolled == datetime(2026, 4, 7, 12, 0, tzinfo=UTC)


def test_a_deadline_at_14_local_stays_at_14_across_the_eu_autumn_change():
    # Paris goes back to winter time on Sunday 25 October 2026.
    friday = datetime(2026, 10, 23, 12, 0, tzinfo=UTC)  # 14:00 CEST
    assert calendar.add_days(friday, 3, CALENDAR_DAYS, "FR", "Europe/Paris") == \
        datetime(2026, 10, 26, 13, 0, tzinfo=UTC)  # 14:00 CET


def test_5_usc_6103_saturday_holiday_is_observed_on_friday_and_sunday_on_monday():
    us = calendar.holiday_calendar("US")
    assert us.holidays[date(2026, 7, 3)] == "Independence Day"  # 4 July 2026 is a Saturday
    assert us.holidays[date(2027, 12, 31)] == "New Year's Day"  # 1 January 2028 is a Saturday
    assert us.holidays[date(2027, 7, 5)] == "Independence Day"  # 4 July 2027 is a Sunday
    assert date(2026, 7, 4) not in us.holidays and us.is_business_day(date(2026, 7, 6))


def test_5_usc_6103_floating_holidays():
    us = calendar.holiday_calendar("US")
    assert us.holidays[date(2026, 11, 26)] == "Thanksgiving Day"  # fourth Thursday
    assert us.holidays[date(2026, 5, 25)] == "Memorial Day"  # last Monday of May
    assert us.holidays[date(2035, 1, 15)] == "Birthday of Martin Luther King, Jr."  # third Monday


def test_rcw_1_16_050_native_american_heritage_day_and_no_columbus_day():
    wa = calendar.holiday_calendar("US-WA")
    assert wa.holidays[date(2026, 11, 27)] == "Native American Heritage Day"
    assert date(2026, 10, 12) not in wa.holidays  # Columbus Day is federal, not a Washington holiday


def test_code_du_travail_l3133_1_easter_holidays_and_no_weekend_substitution():
    fr = calendar.holiday_calendar("FR")
    assert fr.holidays[date(2026, 4, 6)] == "Lundi de Pâques"
    assert fr.holidays[date(2026, 5, 14)] == "Ascension"
    assert fr.holidays[date(2026, 5, 25)] == "Lundi de Pentecôte"
    assert date(2026, 11, 1) in fr.holidays and fr.is_business_day(date(2026, 11, 2))  # Sunday: not moved


@pytest.mark.parametrize("year, day", [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
                                       (2030, date(2030, 4, 21)), (2035, date(2035, 3, 25))])
def test_easter_sunday(year, day):
    assert calendar.easter(year) == day


@pytest.mark.parametrize("name", calendar.calendars())
def test_every_calendar_covers_2024_to_2035(name):
    cal = calendar.holiday_calendar(name)
    assert {d.year for d in cal.holidays} == set(range(2024, 2036))
    assert cal.citation and cal.url.startswith("https://")


def test_business_days_skip_weekends_and_holidays():
    # Wed 25 -> Mon 30 November 2026: Thanksgiving and the weekend do not count (Fri 27, Mon 30)
    start = datetime(2026, 11, 25, 14, tzinfo=UTC)
    end = datetime(2026, 11, 30, 14, tzinfo=UTC)
    assert calendar.business_days_between(start, end, "US", "America/New_York") == 2
    # Washington also rests on the Friday after Thanksgiving
    assert calendar.business_days_between(start, end, "US-WA", "America/Los_Angeles") == 1


def test_end_of_local_day_and_unknown_zones():
    assert calendar.end_of_local_day(datetime(2026, 3, 3, 2, 0, tzinfo=UTC), "America/Los_Angeles") == \
        datetime(2026, 3, 3, 7, 59, 59, 999999, tzinfo=UTC)
    assert calendar.is_zone("Europe/Paris") and calendar.is_zone("UTC")
    assert not calendar.is_zone("Mars/Olympus") and not calendar.is_zone("EST5EDT ")
    with pytest.raises(KeyError):
        calendar.holiday_calendar("ZZ")


def test_a_reminder_three_business_days_before_skips_thanksgiving_and_keeps_the_local_time():
    # deadline Tuesday 1 December 2026, 14:00 Chicago: Monday 30, Friday 27 and (Thursday 26
    # being Thanksgiving) Wednesday 25 November, at 14:00 local
    deadline = datetime(2026, 12, 1, 20, tzinfo=UTC)
    assert calendar.business_days_before(deadline, 3, "US", "America/Chicago") == datetime(2026, 11, 25, 20, tzinfo=UTC)
    # across the spring change: Tuesday 10 March 14:00 CDT -> Thursday 5 March 14:00 CST
    spring = datetime(2026, 3, 10, 19, tzinfo=UTC)
    assert calendar.business_days_before(spring, 3, "US", "America/Chicago") == datetime(2026, 3, 5, 20, tzinfo=UTC)


def test_one_module_counts_business_days_and_the_awards_calendar_is_gone():
    root = Path(__file__).parents[3]
    assert not (root / "services" / "awards" / "calendar.py").exists()
    counting = sorted(str(p.relative_to(root)) for folder in ("services", "projections")
                      for p in (root / folder).rglob("*.py")
                      if "is_business_day(" in p.read_text() or ".weekday()" in p.read_text())
    assert counting == []
