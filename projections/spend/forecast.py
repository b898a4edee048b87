"""The forecast of one agency's next twelve months, per commodity category: contracts
ending (re-competitions due), expected spend with its back-tested error, and the vendors
registered for the category that outreach can start with."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import msgspec

from infra.db import Connection
from projections.spend import cube
from projections.spend.months import add_months, first_of, month_name, months_between
from projections.spend.seasonal import BACKTEST_WINDOW, SEASON, BackTest, backtest, seasonal_naive

HORIZON = 12
#: months of history read: a season to forecast from and a season to back-test on
HISTORY = SEASON + BACKTEST_WINDOW

METHOD = ("seasonal naive: the spend expected in a month is what the agency paid in the category in the "
          "same calendar month a year before. Its error is back-tested over the last (up to) 12 complete months "
          "of history, each forecast the same way from the year before it: mean absolute error and weighted "
          "absolute percentage error (sum of absolute errors over the sum paid). A category with less than 13 "
          "complete months of history since its first payment gets no expected spend: no number without its "
          "error.")

NOTES = [
    "History is spend paid (net of refunds) in complete months before this one, from the category's first "
    "payment in the last 24 months.",
    "Re-competitions due are the agency's contracts neither completed nor terminated whose end date (after "
    "amendments) falls in the month.",
    "Vendors are approved vendors registered for a commodity code of the category: certified ones hold a "
    "verified certification valid today; local ones claim the agency's jurisdiction.",
]


class Method(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    description: str
    season_months: int
    backtest_window_months: int


class Recompetition(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    vendor_id: str
    end_date: date
    value: int


class MonthForecast(msgspec.Struct, frozen=True, kw_only=True):
    month: str
    #: ``None``: too little history to forecast with a measured error
    expected_spend: int | None
    recompetitions: list[Recompetition]


class VendorPool(msgspec.Struct, frozen=True, kw_only=True):
    registered: int
    certified: int
    local: int


class CategoryForecast(msgspec.Struct, frozen=True, kw_only=True):
    category: str
    history_months: int
    backtest: BackTest | None
    expected_total: int | None
    recompetitions_due: int
    vendors: VendorPool
    months: list[MonthForecast]


class Forecast(msgspec.Struct, frozen=True, kw_only=True):
    agency: str
    currency: str
    as_of: date
    months: list[str]
    method: Method
    notes: list[str]
    categories: list[CategoryForecast]


def series(amounts: dict[date, int], before: date) -> list[int]:
    """Monthly amounts from the first month with any spend through the month before ``before``."""
    paid = sorted(m for m, a in amounts.items() if a and m < before)
    if not paid:
        return []
    return [amounts.get(m, 0) for m in months_between(paid[0], add_months(before, -1))]


async def _recompetitions(conn: Connection, agency: str, first: date, after: date,
                          currency: str) -> list[tuple[str, Recompetition]]:
    rows = await conn.fetch(
        "SELECT category, contract_id, vendor_id, end_date, value FROM spend_contracts"
        " WHERE agency_id = $1 AND end_date >= $2 AND end_date < $3 AND currency = $4"
        " AND status NOT IN ('completed', 'terminated') ORDER BY end_date, contract_id",
        agency, first, after, currency)
    return [(r["category"], Recompetition(contract_id=r["contract_id"], vendor_id=r["vendor_id"],
                                          end_date=r["end_date"], value=r["value"])) for r in rows]


async def _vendor_pools(conn: Connection, agency: str, today: date) -> dict[str, VendorPool]:
    rows = await conn.fetch(
        "SELECT category, count(*) AS registered,"
        " count(*) FILTER (WHERE cardinality(spend_programs_on(vendor_id, $2)) > 0) AS certified,"
        " count(*) FILTER (WHERE $1 = ANY(local_agencies)) AS local"
        " FROM (SELECT DISTINCT v.vendor_id, v.local_agencies, left(regexp_replace(code, '[^0-9]', '', 'g'), 2)"
        "       AS category FROM spend_vendors v CROSS JOIN LATERAL unnest(v.commodity_codes) AS code"
        "       WHERE v.status = 'approved') c"
        " WHERE length(category) = 2 GROUP BY category", agency, today)
    return {r["category"]: VendorPool(registered=r["registered"], certified=r["certified"], local=r["local"])
            for r in rows}


async def build_forecast(conn: Connection, agency: str, today: date, currency: str,
                         category: str | None = None) -> Forecast:
    async with cube.reading(conn):
        return await _build(conn, agency, today, currency, category)


async def _build(conn: Connection, agency: str, today: date, currency: str, category: str | None) -> Forecast:
    this_month = first_of(today)
    months = [add_months(this_month, h) for h in range(HORIZON)]
    history: dict[str, dict[date, int]] = defaultdict(dict)
    for r in await cube.monthly_history(conn, agency, add_months(this_month, -HISTORY),
                                        add_months(this_month, -1), currency):
        history[r["category"]][r["month"]] = r["amount"]
    due: dict[str, dict[date, list[Recompetition]]] = defaultdict(lambda: defaultdict(list))
    for cat, item in await _recompetitions(conn, agency, today, add_months(this_month, HORIZON), currency):
        due[cat][first_of(item.end_date)].append(item)
    pools = await _vendor_pools(conn, agency, today)
    found = []
    for cat in sorted(set(history) | set(due)):
        if category is not None and cat != category:
            continue
        past = series(history.get(cat, {}), this_month)
        tested = backtest(past)
        expected = seasonal_naive(past, HORIZON) if tested is not None else None
        found.append(CategoryForecast(
            category=cat, history_months=len(past), backtest=tested,
            expected_total=sum(expected) if expected is not None else None,
            recompetitions_due=sum(len(v) for v in due.get(cat, {}).values()),
            vendors=pools.get(cat, VendorPool(registered=0, certified=0, local=0)),
            months=[MonthForecast(month=month_name(m), expected_spend=expected[h] if expected is not None else None,
                                  recompetitions=due.get(cat, {}).get(m, [])) for h, m in enumerate(months)]))
    return Forecast(agency=agency, currency=currency, as_of=today, months=[month_name(m) for m in months],
                    method=Method(name="seasonal_naive", description=METHOD, season_months=SEASON,
                                  backtest_window_months=BACKTEST_WINDOW),
                    notes=NOTES, categories=found)

