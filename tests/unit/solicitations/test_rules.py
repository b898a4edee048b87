from datetime import UTC, date, datetime

from services.solicitations import rules


def test_thresholds_are_dated():
    before = {t.name: t.amount for t in rules.thresholds_on("US", date(2025, 9, 30))}
    after = {t.name: t.amount for t in rules.thresholds_on("US", date(2025, 10, 1))}
    assert before["micro_purchase"] == 10_000_00 and before["simplified_acquisition"] == 250_000_00
    assert after["micro_purchase"] == 15_000_00 and after["simplified_acquisition"] == 350_000_00


def test_requirement_by_value():
    on = date(2026, 1, 10)
    assert rules.requirement("US", 15_000_00, on).minimum_method == "direct"
    assert rules.requirement("US", 15_000_01, on).minimum_method == "limited"
    above = rules.requirement("US", 350_000_01, on)
    assert above.minimum_method == "open" and above.formal_types == ("ITB", "RFP")
    # 12,000 USD needed competition before October 2025, not after
    assert rules.requirement("US", 12_000_00, date(2025, 9, 1)).minimum_method == "limited"
    assert rules.requirement("US", 12_000_00, date(2025, 10, 1)).minimum_method == "direct"


def test_most_specific_jurisdiction_rules_apply():
    assert rules.rules_code("US-WA-Seattle") == "US"
    assert rules.rules_code("FR-Paris") is None


def test_business_days_skip_weekends_and_federal_holidays():
    # Wed 2026-11-25 -> Mon 2026-11-30: Thanksgiving (Thu 26th) and the weekend do not count
    start = datetime(2026, 11, 25, 9, tzinfo=UTC)
    end = datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert rules.business_days_between(start, end, "US") == 2  # Fri 27, Mon 30
    assert not rules.is_business_day(date(2026, 7, 3), "US")  # Independence Day observed
    assert rules.is_business_day(date(2026, 7, 6), "US")


def test_open_periods_are_per_method():
    assert rules.minimum_open_days("US", "open") > rules.minimum_open_days("US", "limited")
    assert rules.minimum_open_days("US", "direct") == 0
