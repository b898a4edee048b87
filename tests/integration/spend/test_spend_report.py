"""Spend cube, concentration, trends and payment equity against the hand-computed scenario
(see scenario.py); the forecast's re-competitions and vendor pools on a known day."""

from __future__ import annotations

from datetime import date

import pytest

from projections.spend.cube import Slice
from projections.spend.forecast import build_forecast
from projections.spend.projection import SpendProjection
from projections.spend.report import build_report
from tests.integration.search import builders as b
from tests.integration.spend import scenario

Q1 = Slice(first=date(2026, 1, 1), last=date(2026, 3, 1), currency="USD", agency="harbor")


@pytest.fixture(scope="module")
async def spend(readmodel):
    await scenario.load(readmodel.store)
    await b.project(readmodel, SpendProjection())
    return readmodel


async def _report(civic, s=Q1, group_by=("category",)):
    async with civic.pool.acquire() as conn:
        return await build_report(conn, s, group_by)


async def test_totals_and_rows_by_category_net_of_refunds(spend):
    report = await _report(spend)
    # 6,000 + 2,000 + 2,000 - 500 refunded + 10,000; the other agency's 1,000 is not harbor's
    assert report.totals.amount == 19_500_00
    assert (report.totals.payments, report.totals.interest, report.totals.vendors) == (4, 17_00, 3)
    rows = {r.category: r for r in report.rows}
    assert rows["72"].amount == 9_500_00 and rows["72"].payments == 3 and rows["72"].interest == 5_00
    assert rows["43"].amount == 10_000_00 and rows["43"].share_percent == 51.28
    assert rows["72"].vendor is None and rows["72"].month is None


async def test_herfindahl_hirschman_index_per_category(spend):
    report = await _report(spend)
    hhi = {c.category: c for c in report.concentration}
    # 72: Alpha 6,000 and Beta 3,500 of 9,500: 63.158^2 + 36.842^2 = 5,346.3
    assert hhi["72"].hhi == 5346.3 and hhi["72"].vendors == 2 and hhi["72"].level == "high"
    assert hhi["72"].top_vendor_share_percent == 63.16
    # 43: one vendor has it all
    assert (hhi["43"].hhi, hhi["43"].vendors) == (10000.0, 1)


async def test_top_vendors_and_month_over_month_trend(spend):
    report = await _report(spend)
    assert [(v.vendor_id, v.amount, v.share_percent) for v in report.top_vendors] == [
        ("gamma", 10_000_00, 51.28), ("alpha", 6_000_00, 30.77), ("beta", 3_500_00, 17.95)]
    # January 6,000; February 4,000 (-33.33 %); March 10,000 - 500 refunded (+137.5 %)
    assert [(t.month, t.amount, t.payments, t.change_percent) for t in report.trends] == [
        ("2026-01", 6_000_00, 1, None), ("2026-02", 4_000_00, 2, -33.33), ("2026-03", 9_500_00, 1, 137.5)]


async def test_payment_equity_by_program_and_locality(spend):
    equity = (await _report(spend)).equity
    by_program = {r.group: r for r in equity.by_program}
    mbe, none, wbe = by_program["MBE"], by_program["none"], by_program["WBE"]
    assert (mbe.payments, mbe.average_days_to_pay, mbe.late_payments, mbe.interest_paid) == (1, 10.0, 0, 0)
    # Beta: 40 and 20 days, one late with 5.00 interest
    assert (none.payments, none.amount, none.average_days_to_pay, none.late_payments, none.late_share_percent,
            none.interest_paid) == (2, 3_500_00, 30.0, 1, 50.0, 5_00)
    assert (wbe.payments, wbe.average_days_to_pay, wbe.late_payments, wbe.interest_paid) == (1, 40.0, 1, 12_00)
    by_locality = {r.group: r for r in equity.by_locality}
    # local: Alpha 10 days and Gamma 40 days; other: Beta
    assert (by_locality["local"].payments, by_locality["local"].average_days_to_pay,
            by_locality["local"].interest_paid, by_locality["local"].amount) == (2, 25.0, 12_00, 16_000_00)
    assert (by_locality["other"].payments, by_locality["other"].average_days_to_pay) == (2, 30.0)


async def test_filters_and_several_groupings(spend):
    local = await _report(spend, Slice(**{**Q1.__dict__, "local": True}), ("vendor", "month"))
    assert [(r.vendor, r.month, r.amount) for r in local.rows] == [
        ("alpha", "2026-01", 6_000_00), ("gamma", "2026-03", 10_000_00)]
    assert local.filters == {"local": "true"}
    by_program = await _report(spend, Q1, ("program",))
    # each program a vendor held counts; 'none' for payments to uncertified vendors
    assert {r.program: r.amount for r in by_program.rows} == {"MBE": 6_000_00, "WBE": 10_000_00, "none": 3_500_00}
    mbe = await _report(spend, Slice(**{**Q1.__dict__, "program": "MBE"}), ("agency",))
    assert [(r.agency, r.amount) for r in mbe.rows] == [("harbor", 6_000_00)]
    everyone = await _report(spend, Slice(**{**Q1.__dict__, "agency": None}), ("agency",))
    assert {r.agency: r.amount for r in everyone.rows} == {"harbor": 19_500_00, "other": 1_000_00}
    february = await _report(spend, Slice(**{**Q1.__dict__, "first": date(2026, 2, 1), "last": date(2026, 2, 1)}))
    assert february.totals.amount == 4_000_00 and [t.month for t in february.trends] == ["2026-02"]


async def test_forecast_recompetitions_and_vendor_pools(spend):
    async with spend.pool.acquire() as conn:
        forecast = await build_forecast(conn, "harbor", date(2026, 4, 15), "USD")
    assert forecast.months[0] == "2026-04" and forecast.months[-1] == "2027-03"
    cats = {c.category: c for c in forecast.categories}
    paving, laptops = cats["72"], cats["43"]
    # k-a ends in June; k-b was amended past the horizon; k-g was terminated
    due = {m.month: [r.contract_id for r in m.recompetitions] for m in paving.months if m.recompetitions}
    assert due == {"2026-06": ["k-a"]} and paving.recompetitions_due == 1
    assert laptops.recompetitions_due == 0
    # three months of history: no expected spend without a back-tested error
    assert paving.history_months == 3 and paving.backtest is None and paving.expected_total is None
    assert all(m.expected_spend is None for m in paving.months)
    # approved vendors for the category (Delta never was): Alpha certified and local, Beta neither
    assert (paving.vendors.registered, paving.vendors.certified, paving.vendors.local) == (2, 1, 1)
    assert (laptops.vendors.registered, laptops.vendors.certified, laptops.vendors.local) == (1, 1, 1)
