"""Each rule pack against cases computed by hand from the cited text: a value just at and
just over each threshold, a period just long enough and one day short, weekends, holidays,
daylight saving and a late addendum. Each test is named after the rule it checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
import pytest

from events.base import Money
from events.solicitations import AddendumPublished, SolicitationPublished
from kernel.errors import Invalid
from services.solicitations import rules
from services.solicitations.citation_table import table
from services.solicitations.commands import PublishAddendum, PublishSolicitation
from services.solicitations.deciders.solicitation import SOLICITATION
from tests.unit.solicitations.factories import CRITERIA, at, create

DOCS = Path(__file__).parents[3] / "docs" / "compliance.md"
RFQ = [msgspec.structs.replace(c, weight=50) for c in CRITERIA]
CRITERIA_OF = {"RFQ": RFQ, "RFP": CRITERIA, "ITB": [msgspec.structs.replace(CRITERIA[0], weight=100)]}


def usd(dollars: str) -> Money:
    return Money(amount=round(float(dollars) * 100), currency="USD")


def eur(euros: str) -> Money:
    return Money(amount=round(float(euros) * 100), currency="EUR")


def publish(now: datetime, *, jurisdiction: str, zone: str, value: Money, method: str = "open",
            solicitation_type: str = "ITB", deadline: datetime | None = None, opening: datetime | None = None,
            **terms) -> SolicitationPublished:
    deadline = deadline or now + timedelta(days=60)
    opening = opening or deadline
    criteria = CRITERIA_OF[solicitation_type]
    state, _ = SOLICITATION.run([(create(jurisdiction=jurisdiction, time_zone=zone, estimated_value=value,
                                         method=method, solicitation_type=solicitation_type, criteria=criteria,
                                         submission_deadline=deadline, questions_deadline=now + timedelta(hours=1),
                                         opening_time=opening, **terms), at(now))])
    event = SOLICITATION.decide(PublishSolicitation(), state, at(now))[0]
    assert isinstance(event, SolicitationPublished)
    return event


def refused(code: str, **kwargs) -> Invalid:
    with pytest.raises(Invalid) as err:
        publish(**kwargs)
    assert err.value.code == code, err.value.message
    return err.value


def _rule(event: SolicitationPublished | AddendumPublished, name: str):
    return [r for r in event.rules_applied if r.rule == name]


MON = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # Monday 2 March 2026, morning in the US, afternoon in Paris

# -- US federal ---------------------------------------------------------------------------------


def test_far_2_101_micro_purchase_threshold_of_15000_from_october_2025():
    us = dict(now=MON, jurisdiction="US", zone="America/New_York", solicitation_type="RFQ", method="direct")
    publish(value=usd("15000.00"), **us)
    refused("method_below_threshold", value=usd("15000.01"), **us)
    event = publish(value=usd("15000.01"), **{**us, "method": "limited"})
    [record] = _rule(event, "method_by_value")
    assert record.pack == "US" and record.row == "thresholds.csv:micro_purchase@2025-10-01"
    assert record.citation.startswith("FAR 2.101") and record.url == "https://www.acquisition.gov/far/2.101"


def test_far_2_101_micro_purchase_threshold_was_10000_before_october_2025():
    sept = datetime(2025, 9, 1, 15, tzinfo=UTC)
    us = dict(now=sept, jurisdiction="US", zone="America/New_York", solicitation_type="RFQ", method="direct")
    publish(value=usd("10000.00"), **us)
    refused("method_below_threshold", value=usd("10000.01"), **us)


def test_far_2_101_simplified_acquisition_threshold_of_350000_requires_formal_procedures():
    us = dict(now=MON, jurisdiction="US", zone="America/New_York")
    publish(value=usd("350000.00"), method="limited", solicitation_type="RFQ", **us)
    refused("method_below_threshold", value=usd("350000.01"), method="limited", solicitation_type="RFQ", **us)
    refused("formal_procedure_required", value=usd("350000.01"), solicitation_type="RFQ", **us)
    assert publish(value=usd("350000.01"), **us)


def test_far_5_203_c_thirty_days_response_time_above_the_simplified_acquisition_threshold():
    # Published Monday 2 March 10:00 New York; 30 days later is Wednesday 1 April.
    us = dict(now=MON, jurisdiction="US", zone="America/New_York", value=usd("400000"))
    event = publish(deadline=datetime(2026, 4, 1, 14, tzinfo=UTC), **us)
    [limit] = _rule(event, "time_limit")
    assert limit.required == "at least 30 calendar days" and limit.used == "30 calendar days"
    assert "FAR 5.203(c)" in limit.citation
    err = refused("open_period_too_short", deadline=datetime(2026, 3, 31, 21, tzinfo=UTC), **us)
    assert "gives 29" in err.message
    # under the threshold FAR 5.203(c) sets no number of days
    assert not _rule(publish(value=usd("300000"), method="limited", solicitation_type="RFQ",
                             deadline=MON + timedelta(days=3), now=MON, jurisdiction="US",
                             zone="America/New_York"), "time_limit")


def test_far_5_203_c_counts_local_dates_a_late_evening_in_the_west_is_still_that_day():
    # 22:00 Sunday 1 March in Los Angeles is 06:00 Monday UTC. Thirty Los Angeles dates
    # later is Tuesday 31 March, one day before the UTC count would allow.
    sunday_night = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    event = publish(now=sunday_night, jurisdiction="US", zone="America/Los_Angeles", value=usd("400000"),
                    deadline=datetime(2026, 3, 31, 20, tzinfo=UTC))
    assert _rule(event, "time_limit")[0].used == "30 calendar days"


# -- Texas ------------------------------------------------------------------------------------


TX = dict(jurisdiction="US-TX-Austin", zone="America/Chicago")


def test_tex_loc_gov_code_252_021_competitive_bidding_over_50000():
    publish(now=MON, value=usd("50000.00"), method="direct", solicitation_type="RFQ", **TX)
    refused("method_below_threshold", now=MON, value=usd("50000.01"), method="limited", solicitation_type="RFQ", **TX)
    refused("formal_procedure_required", now=MON, value=usd("50000.01"), solicitation_type="RFQ", **TX)
    [record] = _rule(publish(now=MON, value=usd("50000.01"), **TX), "method_by_value")
    assert record.pack == "US-TX" and "§ 252.021(a)" in record.citation


def test_tex_loc_gov_code_252_041_first_notice_before_the_14th_day_before_the_opening_across_dst():
    # Published Monday 2 March (CST); Central clocks go forward on 8 March. "Before the 14th
    # day before the opening": an opening on Tuesday 17 March (15 days) complies, Monday 16 does not.
    value = usd("80000")
    event = publish(now=MON, value=value, deadline=datetime(2026, 3, 17, 14, tzinfo=UTC),
                    opening=datetime(2026, 3, 17, 15, tzinfo=UTC), **TX)
    [limit] = _rule(event, "time_limit")
    assert limit.used == "15 calendar days" and "§ 252.041(a)" in limit.citation
    [notice] = _rule(event, "public_notice")
    assert notice.required.startswith("2 publication(s)") and "7 days apart" in notice.required
    assert notice.complied is None  # the newspaper is the agency's record, not the marketplace's
    refused("open_period_too_short", now=MON, value=value, deadline=datetime(2026, 3, 16, 14, tzinfo=UTC), **TX)


def test_tex_loc_gov_code_252_0215_hub_contacts_between_3000_and_50000():
    small = dict(now=MON, method="direct", solicitation_type="RFQ", **TX)
    assert not _rule(publish(value=usd("3000.00"), **small), "program")
    [hub] = _rule(publish(value=usd("3000.01"), **small), "program")
    assert "two historically underutilized businesses" in hub.required and hub.citation.endswith("§ 252.0215")
    assert _rule(publish(value=usd("49999.99"), **small), "program")
    assert not _rule(publish(value=usd("50000.00"), **small), "program")


def test_2_cfr_200_federally_funded_texas_purchase_needs_the_stricter_of_both():
    # 20,000 USD of goods: nothing under § 252.021, but above the federal micro-purchase threshold.
    small = dict(now=MON, value=usd("20000"), solicitation_type="RFQ", **TX)
    assert publish(method="direct", **small)
    refused("method_below_threshold", method="direct", federally_funded=True, **small)
    event = publish(method="limited", federally_funded=True, **small)
    assert {r.pack for r in _rule(event, "method_by_value")} == {"US-TX", "US-GRANTS"}


# -- New York -----------------------------------------------------------------------------------


NY = dict(jurisdiction="US-NY", zone="America/New_York")


def test_ny_gen_mun_law_103_1_purchase_contracts_over_20000_are_bid():
    publish(now=MON, value=usd("20000.00"), method="direct", solicitation_type="RFQ", **NY)
    refused("method_below_threshold", now=MON, value=usd("20000.01"), method="limited", solicitation_type="RFQ", **NY)


def test_ny_gen_mun_law_103_1_public_works_over_35000_are_bid_to_the_lowest_bidder():
    works = dict(now=MON, contract_kind="works", **NY)
    publish(value=usd("35000.00"), method="direct", solicitation_type="RFQ", **works)
    refused("formal_procedure_required", value=usd("35000.01"), solicitation_type="RFP", **works)
    assert publish(value=usd("35000.01"), solicitation_type="ITB", **works)


def test_ny_gen_mun_law_103_2_advertisement_five_days_before_the_opening():
    value = usd("25000")
    event = publish(now=MON, value=value, deadline=datetime(2026, 3, 7, 15, tzinfo=UTC), **NY)
    assert _rule(event, "time_limit")[0].used == "5 calendar days"
    refused("open_period_too_short", now=MON, value=value, deadline=datetime(2026, 3, 6, 15, tzinfo=UTC), **NY)


def test_ny_gen_mun_law_104_b_procurement_policy_below_the_bidding_thresholds():
    [policy] = _rule(publish(now=MON, value=usd("5000"), method="direct", solicitation_type="RFQ", **NY), "program")
    assert policy.citation == "N.Y. Gen. Mun. Law § 104-b"
    assert not _rule(publish(now=MON, value=usd("25000"), **NY), "program")


# -- Washington ---------------------------------------------------------------------------------


WA = dict(jurisdiction="US-WA-Seattle", zone="America/Los_Angeles")


def test_rcw_39_04_155_limited_public_works_and_small_works_roster():
    works = dict(now=MON, contract_kind="works", solicitation_type="RFQ", **WA)
    publish(value=usd("50000.00"), method="direct", **works)
    refused("method_below_threshold", value=usd("50000.01"), method="limited", **works)
    publish(value=usd("350000.00"), method="selective", **works)
    refused("formal_procedure_required", value=usd("350000.01"), **works)
    assert publish(value=usd("350000.01"), **{**works, "solicitation_type": "ITB"})


def test_rcw_39_04_155_applies_to_public_works_only():
    assert publish(now=MON, value=usd("500000"), method="direct", solicitation_type="RFQ", **WA)


def test_washington_late_addendum_extends_on_local_time_across_dst():
    # Deadline Tuesday 10 March 2026 14:00 PDT; an addendum on Friday 6 March 14:00 PST
    # must leave 5 days: Wednesday 11 March 14:00 PDT (21:00 UTC), not 22:00 UTC.
    friday = datetime(2026, 3, 6, 22, 0, tzinfo=UTC)
    state, _ = SOLICITATION.run([
        (create(estimated_value=usd("60000"), method="open", submission_deadline=datetime(2026, 3, 10, 21, tzinfo=UTC),
                questions_deadline=friday - timedelta(days=1), opening_time=datetime(2026, 3, 10, 22, tzinfo=UTC),
                **{"jurisdiction": WA["jurisdiction"], "time_zone": WA["zone"]}), at(MON)),
        (PublishSolicitation(), at(MON))])
    [addendum] = SOLICITATION.decide(PublishAddendum(summary="New drawings", changes="sheet 4"), state, at(friday))
    assert addendum.deadline_extended and addendum.submission_deadline == datetime(2026, 3, 11, 21, tzinfo=UTC)
    [record] = _rule(addendum, "addendum_extension")
    assert record.basis == "policy" and record.used.startswith("extended to 2026-03-11T14:00:00-07:00")


# -- California ---------------------------------------------------------------------------------


def test_cal_pub_cont_code_20162_public_projects_over_5000():
    ca = dict(now=MON, jurisdiction="US-CA", zone="America/Los_Angeles", contract_kind="works")
    publish(value=usd("5000.00"), method="direct", solicitation_type="RFQ", **ca)
    refused("method_below_threshold", value=usd("5000.01"), method="limited", solicitation_type="RFQ", **ca)


def test_cal_pub_cont_code_22032_uniform_construction_cost_accounting_thresholds():
    ca = dict(now=MON, jurisdiction="US-CA-UPCCAA", zone="America/Los_Angeles", contract_kind="works",
              solicitation_type="RFQ")
    publish(value=usd("60000.00"), method="direct", **ca)
    refused("method_below_threshold", value=usd("60000.01"), method="limited", **ca)
    publish(value=usd("200000.00"), method="selective", **ca)
    refused("method_below_threshold", value=usd("200000.01"), method="selective", **ca)


def test_cal_pub_cont_code_22037_formal_bid_notice_14_calendar_days():
    ca = dict(now=MON, jurisdiction="US-CA-UPCCAA", zone="America/Los_Angeles", contract_kind="works",
              value=usd("250000"))
    assert publish(deadline=datetime(2026, 3, 16, 20, tzinfo=UTC), **ca)
    refused("open_period_too_short", deadline=datetime(2026, 3, 15, 20, tzinfo=UTC), **ca)


# -- European Union -----------------------------------------------------------------------------


EU = dict(jurisdiction="EU", zone="Europe/Paris")


def test_directive_2014_24_art_4_c_sub_central_threshold_221000_eur_from_2024():
    small = dict(now=MON, method="direct", solicitation_type="RFQ", **EU)
    publish(value=eur("221000.00"), **small)
    [record] = _rule(refused_or_publish(value=eur("221000.01"), **small), "method_by_value")
    assert record.row == "thresholds.csv:sub_central_supplies_services@2024-01-01"


def refused_or_publish(**kwargs):
    with pytest.raises(Invalid):
        publish(**kwargs)
    return publish(**{**kwargs, "method": "open", "solicitation_type": "ITB"})


def test_directive_2014_24_art_4_c_was_215000_eur_in_2023():
    june_2023 = datetime(2023, 6, 1, 9, tzinfo=UTC)
    small = dict(now=june_2023, method="direct", solicitation_type="RFQ", **EU)
    publish(value=eur("215000.00"), **small)
    refused("method_below_threshold", value=eur("215000.01"), **small)


def test_the_eu_pack_is_in_euros_and_refuses_dollars():
    refused("currency_not_supported", now=MON, value=usd("1000"), method="direct", solicitation_type="RFQ", **EU)
    assert rules.packs()["EU"].currency == "EUR" and rules.packs()["EU"].holiday_calendar == "FR"


def test_directive_2014_24_art_27_open_procedure_35_days_less_5_for_electronic_submission():
    # Published Monday 2 March 16:00 Paris: 30 days (35 - 5) later is Wednesday 1 April.
    value = eur("300000")
    event = publish(now=MON, value=value, deadline=datetime(2026, 4, 1, 10, tzinfo=UTC), **EU)
    [limit] = _rule(event, "time_limit")
    assert limit.required == "at least 30 calendar days" and "art. 27(4)" in limit.citation
    refused("open_period_too_short", now=MON, value=value, deadline=datetime(2026, 3, 31, 10, tzinfo=UTC), **EU)


def test_directive_2014_24_art_28_restricted_procedure_30_days():
    value = eur("300000")
    event = publish(now=MON, value=value, method="selective", deadline=datetime(2026, 4, 1, 10, tzinfo=UTC), **EU)
    assert _rule(event, "time_limit")[0].row.startswith("time_limits.csv:restricted_procedure")


def test_directive_2014_24_art_47_3_a_addendum_six_days_before_the_time_limit():
    state, _ = SOLICITATION.run([
        (create(jurisdiction="EU", time_zone="Europe/Paris", estimated_value=eur("300000"),
                submission_deadline=datetime(2026, 4, 10, 10, tzinfo=UTC), questions_deadline=MON + timedelta(days=1),
                opening_time=datetime(2026, 4, 10, 11, tzinfo=UTC)), at(MON)),
        (PublishSolicitation(), at(MON))])
    # 6 April 10:00 UTC + 6 days = 12 April 12:00 Paris, after the deadline: extended
    [addendum] = SOLICITATION.decide(PublishAddendum(summary="Clarification", changes="lot 2"), state,
                                     at(datetime(2026, 4, 6, 10, tzinfo=UTC)))
    assert addendum.submission_deadline == datetime(2026, 4, 12, 10, tzinfo=UTC)
    [record] = _rule(addendum, "addendum_extension")
    assert record.basis == "law" and "art. 47(3)(a)" in record.citation


# -- calendar days count weekends and holidays; a late addendum in every pack ---------------------


def test_far_5_203_c_thirty_calendar_days_count_weekends_juneteenth_and_independence_day():
    # Monday 15 June 2026, 10:00 New York: 30 calendar days later is Wednesday 15 July, with
    # Juneteenth (Fri 19 June), the observed Independence Day (Fri 3 July) and four weekends inside.
    us = dict(now=datetime(2026, 6, 15, 14, tzinfo=UTC), jurisdiction="US", zone="America/New_York",
              value=usd("400000"))
    assert _rule(publish(deadline=datetime(2026, 7, 15, 14, tzinfo=UTC), **us), "time_limit")[0].used == (
        "30 calendar days")
    refused("open_period_too_short", deadline=datetime(2026, 7, 14, 21, tzinfo=UTC), **us)


def test_tex_loc_gov_code_252_041_fifteen_days_count_memorial_day_and_two_weekends():
    # Monday 18 May 2026, 10:00 Austin: an opening on Tuesday 2 June leaves 15 days, Memorial
    # Day (25 May) included; Monday 1 June leaves 14, not "before the 14th day".
    tx = dict(now=datetime(2026, 5, 18, 15, tzinfo=UTC), value=usd("80000"), **TX)
    assert publish(deadline=datetime(2026, 6, 2, 15, tzinfo=UTC), **tx)
    refused("open_period_too_short", deadline=datetime(2026, 6, 1, 22, tzinfo=UTC), **tx)


def test_ny_gen_mun_law_103_2_five_days_count_a_weekend_and_washingtons_birthday():
    # Wednesday 11 February 2026, 10:00 New York: five days later is Monday 16 February, a
    # holiday, the weekend inside; an opening on Sunday 15 February leaves four.
    ny = dict(now=datetime(2026, 2, 11, 15, tzinfo=UTC), value=usd("25000"), **NY)
    assert _rule(publish(deadline=datetime(2026, 2, 16, 15, tzinfo=UTC), **ny), "time_limit")[0].used == (
        "5 calendar days")
    refused("open_period_too_short", deadline=datetime(2026, 2, 15, 15, tzinfo=UTC), **ny)


def test_cal_pub_cont_code_22037_fourteen_days_count_washingtons_birthday():
    # Monday 9 February 2026, 10:00 Los Angeles: 14 calendar days to Monday 23 February,
    # Presidents' Day (16 February) included; Sunday 22 February leaves 13.
    ca = dict(now=datetime(2026, 2, 9, 18, tzinfo=UTC), jurisdiction="US-CA-UPCCAA", zone="America/Los_Angeles",
              contract_kind="works", value=usd("250000"))
    assert publish(deadline=datetime(2026, 2, 23, 18, tzinfo=UTC), **ca)
    refused("open_period_too_short", deadline=datetime(2026, 2, 22, 18, tzinfo=UTC), **ca)


def test_directive_2014_24_art_27_thirty_days_count_easter_monday_and_may_day_in_paris():
    # Thursday 2 April 2026, 10:00 Paris: 30 days (35 - 5) to Saturday 2 May, Easter Monday
    # (6 April) and 1 May inside; Friday 1 May leaves 29.
    eu = dict(now=datetime(2026, 4, 2, 8, tzinfo=UTC), value=eur("300000"), **EU)
    assert publish(deadline=datetime(2026, 5, 2, 8, tzinfo=UTC), **eu)
    refused("open_period_too_short", deadline=datetime(2026, 5, 1, 20, tzinfo=UTC), **eu)


@pytest.mark.parametrize(("jurisdiction", "zone", "citation"), [
    ("US", "America/New_York", "FAR 14.208(a)"),
    ("US-TX", "America/Chicago", "ch. 252"),
    ("US-NY", "America/New_York", "§ 103"),
    ("US-CA", "America/Los_Angeles", "Public Contract Code"),
])
def test_a_late_addendum_over_a_weekend_moves_the_deadline_five_days_at_the_same_local_time(
        jurisdiction, zone, citation):
    # Deadline Tuesday 14 April 2026 14:00 local; an addendum on Friday 10 April 14:00 local
    # leaves four days: the deadline moves to Wednesday 15 April 14:00 local (Saturday to
    # Wednesday are five calendar days), and the opening with it.
    tz = ZoneInfo(zone)
    deadline = datetime(2026, 4, 14, 14, tzinfo=tz)
    state, _ = SOLICITATION.run([
        (create(jurisdiction=jurisdiction, time_zone=zone, estimated_value=usd("60000"), method="open",
                submission_deadline=deadline, questions_deadline=datetime(2026, 4, 7, 14, tzinfo=tz),
                opening_time=deadline + timedelta(hours=1)), at(MON)),
        (PublishSolicitation(), at(MON))])
    friday = datetime(2026, 4, 10, 14, tzinfo=tz)
    [addendum] = SOLICITATION.decide(PublishAddendum(summary="Revised drawings", changes="sheet 2"), state, at(friday))
    assert addendum.deadline_extended
    assert addendum.submission_deadline == datetime(2026, 4, 15, 14, tzinfo=tz)
    assert addendum.opening_time == datetime(2026, 4, 15, 15, tzinfo=tz)
    [record] = _rule(addendum, "addendum_extension")
    assert record.pack == rules.rules_code(jurisdiction) and citation in record.citation and record.basis == "policy"
    # an addendum with five days left keeps the deadline, and says so
    [early] = SOLICITATION.decide(PublishAddendum(summary="Typo", changes="page 3"), state,
                                  at(datetime(2026, 4, 9, 14, tzinfo=tz)))
    assert not early.deadline_extended and early.submission_deadline == deadline
    assert _rule(early, "addendum_extension")[0].used.startswith("kept at 2026-04-14T14:00:00")


# -- every row cites its source -------------------------------------------------------------------


def test_every_row_of_every_pack_cites_section_effective_date_and_public_url():
    seen = list(rules.citations())
    assert {code for code, _, _ in seen} >= {"US", "US-TX", "US-NY", "US-WA", "US-CA", "US-CA-UPCCAA", "EU"}
    for code, row, cite in seen:
        assert cite.section.strip(), (code, row)
        assert cite.url.startswith("https://"), (code, row)
        assert date(1990, 1, 1) <= cite.effective_from <= date(2035, 12, 31), (code, row)
        assert cite.basis in ("law", "policy"), (code, row)


def test_docs_compliance_lists_every_row_with_its_citation():
    text = DOCS.read_text()
    assert table() in text, "regenerate the table: python -m services.solicitations.citation_table"
    for code, row, cite in rules.citations():
        assert f"| {code} | `{row}` |" in text and cite.url in text


def test_most_specific_pack_applies():
    assert rules.rules_code("US-WA-Seattle") == "US-WA"
    assert rules.rules_code("US-IL-Chicago") == "US"  # no Illinois pack: federal rules
    assert rules.rules_code("FR-Paris") is None


def test_far_5_101_a_1_synopsis_in_the_gpe_above_25000():
    us = dict(now=MON, jurisdiction="US", zone="America/New_York", method="limited", solicitation_type="RFQ")
    assert not _rule(publish(value=usd("25000.00"), **us), "public_notice")
    [notice] = _rule(publish(value=usd("25000.01"), **us), "public_notice")
    assert "SAM.gov" in notice.required and "FAR 5.101(a)(1)" in notice.citation and notice.complied is None


def test_directive_2014_24_art_51_contract_notice_in_the_official_journal_above_the_thresholds():
    small = dict(now=MON, method="direct", solicitation_type="RFQ", **EU)
    assert not _rule(publish(value=eur("221000.00"), **small), "public_notice")
    [notice] = _rule(publish(value=eur("221000.01"), now=MON, **EU), "public_notice")
    assert "Official Journal" in notice.required and "art. 51(1)-(2)" in notice.citation


# -- the off-by-one regressions, through publication -----------------------------------------------


def test_regression_monday_evening_pacific_publication_is_counted_from_monday():
    # 18:00 on Monday 2 March 2026 in Seattle is 02:00 Tuesday UTC. Counted on UTC dates the
    # 30 days of FAR 5.203(c) to Wednesday 1 April were 29, and a lawful deadline was refused.
    evening = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    event = publish(now=evening, jurisdiction="US", zone="America/Los_Angeles", value=usd("400000"),
                    deadline=datetime(2026, 4, 1, 17, tzinfo=UTC))  # 10:00 PDT
    assert _rule(event, "time_limit")[0].used == "30 calendar days"


def test_regression_just_after_midnight_paris_publication_is_counted_from_tuesday():
    # 00:30 on Tuesday 3 March 2026 in Paris is 23:30 Monday UTC. Counted on UTC dates a
    # deadline on Wednesday 1 April gave the 30 days of art. 27 (35 - 5); on Paris dates it
    # gives 29 and is refused; Thursday 2 April gives 30.
    after_midnight = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    eu = dict(now=after_midnight, value=eur("300000"), **EU)
    err = refused("open_period_too_short", deadline=datetime(2026, 4, 1, 10, tzinfo=UTC), **eu)
    assert "gives 29" in err.message and "Europe/Paris" in err.message
    assert _rule(publish(deadline=datetime(2026, 4, 2, 10, tzinfo=UTC), **eu), "time_limit")[0].used == (
        "30 calendar days")
