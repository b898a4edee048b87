"""Report figures against the hand-computed scenario (see scenario.py)."""

from __future__ import annotations

from datetime import date

import pytest

from projections.diversity.figures import Scope
from projections.diversity.projection import DiversityProjection
from projections.diversity.report import build_report
from tests.integration.diversity import scenario
from tests.integration.search import builders as b

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


@pytest.fixture(scope="module")
async def reports(readmodel):
    await scenario.load(readmodel.store)
    await b.project(readmodel, DiversityProjection())
    return readmodel


async def _rows(civic, start=Q1[0], end=Q1[1], group_by="program", agency="ports"):
    async with civic.pool.acquire() as conn:
        report = await build_report(conn, Scope(start=start, end=end, currency="USD", group_by=group_by, agency=agency))
    return report, {(r.group, r.program): r for r in report.rows}


async def test_spend_utilization_follows_certification_validity(reports):
    report, rows = await _rows(reports)
    mbe, wbe, total = rows[("all", "MBE")], rows[("all", "WBE")], rows[("all", "ALL")]
    # all spend: 10,000 + 8,000 + 2,000 + 5,000 + 25,000 - 1,000 refunded
    assert mbe.spend_total == wbe.spend_total == total.spend_total == 49_000_00
    # MBE only for the January payment: it expired on 02-14, before the 02-20 payment
    assert mbe.spend_certified == 10_000_00
    # WBE: Alpha's two payments, Beta's only after its 02-01 verification, minus the refund
    assert wbe.spend_certified == 10_000_00 + 5_000_00 + 2_000_00 - 1_000_00
    # each dollar once: Alpha's January payment is MBE and WBE but counts once here
    assert total.spend_certified == 16_000_00
    assert mbe.spend_certified + wbe.spend_certified > total.spend_certified
    assert mbe.utilization_percent == 20.41 and wbe.utilization_percent == 32.65
    assert (mbe.goal_percent, mbe.difference_percent) == (15.0, 5.41)
    assert (wbe.goal_percent, wbe.difference_percent) == (10.0, 22.65)
    assert rows[("all", "DBE")].spend_certified == 0 and rows[("all", "DBE")].goal_percent is None
    assert report.agency_name == "Port of Example"
    assert any("counts in each program" in note for note in report.notes)


async def test_awards_participation_and_certified_vendors(reports):
    _, rows = await _rows(reports)
    mbe, wbe, total = rows[("all", "MBE")], rows[("all", "WBE")], rows[("all", "ALL")]
    # Gamma's award was cancelled; Beta's came before its certification was verified
    assert total.award_total == 80_000_00
    assert mbe.award_certified == wbe.award_certified == total.award_certified == 50_000_00
    assert total.award_utilization_percent == 62.5
    assert total.bids_total == 3
    assert (total.bids_certified, total.wins_certified, total.win_rate_percent) == (1, 1, 100.0)
    assert (mbe.certified_vendors, wbe.certified_vendors, total.certified_vendors) == (1, 2, 2)


async def test_by_month_and_by_category(reports):
    _, months = await _rows(reports, group_by="month")
    assert [months[(m, "ALL")].spend_total for m in ("2026-01", "2026-02", "2026-03")] == [
        18_000_00, 7_000_00, 24_000_00]
    assert [months[(m, "MBE")].spend_certified for m in ("2026-01", "2026-02", "2026-03")] == [10_000_00, 0, 0]
    assert [months[(m, "WBE")].spend_certified for m in ("2026-01", "2026-02", "2026-03")] == [
        10_000_00, 7_000_00, -1_000_00]
    assert [months[(m, "WBE")].certified_vendors for m in ("2026-01", "2026-02", "2026-03")] == [1, 2, 2]
    assert [months[(m, "MBE")].certified_vendors for m in ("2026-01", "2026-02", "2026-03")] == [1, 1, 0]
    _, categories = await _rows(reports, group_by="category")
    assert categories[("72", "ALL")].spend_total == 40_000_00
    assert categories[("72", "WBE")].spend_certified == 15_000_00
    assert categories[("43", "ALL")].spend_total == 9_000_00
    assert categories[("43", "WBE")].spend_certified == 1_000_00


async def test_partial_months_come_from_daily_totals(reports):
    # inside one stretch across a month boundary: both edges inclusive
    _, rows = await _rows(reports, start=date(2026, 1, 15), end=date(2026, 2, 20))
    assert rows[("all", "ALL")].spend_total == 8_000_00 + 2_000_00 + 5_000_00
    assert rows[("all", "WBE")].spend_certified == 7_000_00
    # whole months plus a day before them
    _, rows = await _rows(reports, start=date(2025, 12, 31), end=Q1[1])
    assert rows[("all", "ALL")].spend_total == 53_000_00
    assert rows[("all", "MBE")].spend_certified == 14_000_00


async def test_all_agencies_and_by_agency(reports):
    _, rows = await _rows(reports, agency=None, group_by="agency")
    assert rows[("ports", "ALL")].spend_total == 49_000_00
    assert rows[("ports", "MBE")].goal_percent == 15.0
    assert rows[("ports", "ALL")].certified_vendors is None
    _, overall = await _rows(reports, agency=None)
    assert overall[("all", "MBE")].goal_percent == 15.0  # one agency with spend: its goal
