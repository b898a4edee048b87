"""A vendor's scorecard across every agency and contract: performance ratings over time,
disputed invoices, protests filed and upheld, and amendments and their size."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from events.base import Money
from infra.db import Connection

#: the most recent ratings and amendments listed one by one (all are counted)
LISTED = 20

NOTES = [
    "Ratings are the agencies' performance ratings (1-5 each); overall is the mean of the four scores. "
    "Quarters are calendar quarters of the rating date.",
    "A disputed invoice is one finance disputed at least once; disputes counts each dispute.",
    "Deliverables: accepted and rejected count the buyers' decisions on submissions; overdue counts "
    "due dates that passed without an accepted or pending submission.",
    "A protest is upheld when the agency sustained it.",
    "An amendment's size is the change of the contract value it made, and its share of the contract's "
    "original value; the end date change is in days.",
]


class Scores(msgspec.Struct, frozen=True, kw_only=True):
    quality: float
    timeliness: float
    cost_control: float
    communication: float
    overall: float


class QuarterRatings(msgspec.Struct, frozen=True, kw_only=True):
    quarter: str
    ratings: int
    average: Scores


class Rating(msgspec.Struct, frozen=True, kw_only=True):
    rating_id: str
    contract_id: str
    agency_id: str
    rated_on: date
    quality: int
    timeliness: int
    cost_control: int
    communication: int


class Ratings(msgspec.Struct, frozen=True, kw_only=True):
    count: int
    #: ``None``: not rated yet
    average: Scores | None
    by_quarter: list[QuarterRatings]
    latest: list[Rating]


class Invoices(msgspec.Struct, frozen=True, kw_only=True):
    submitted: int
    disputed: int
    disputes: int
    disputed_share_percent: float | None


class Deliverables(msgspec.Struct, frozen=True, kw_only=True):
    accepted: int
    rejected: int
    overdue: int
    #: accepted of all decisions
    accepted_share_percent: float | None


class Protests(msgspec.Struct, frozen=True, kw_only=True):
    filed: int
    upheld: int
    dismissed: int
    withdrawn: int
    pending: int


class Amendment(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    number: int
    agency_id: str
    kind: str
    modified_on: date
    value_change: Money
    #: of the contract's original value
    change_percent: float | None
    end_date_change_days: int


class AmendmentTotals(msgspec.Struct, frozen=True, kw_only=True):
    currency: str
    amendments: int
    net_change: Money
    #: the largest absolute change, as a share of its contract's original value
    largest_change_percent: float | None


class Amendments(msgspec.Struct, frozen=True, kw_only=True):
    count: int
    contracts_amended: int
    by_currency: list[AmendmentTotals]
    latest: list[Amendment]


class Scorecard(msgspec.Struct, frozen=True, kw_only=True):
    vendor_id: str
    contracts: int
    agencies: int
    notes: list[str]
    ratings: Ratings
    invoices: Invoices
    protests: Protests
    amendments: Amendments
    deliverables: Deliverables


def _scores(r: Any) -> Scores:
    return Scores(quality=round(float(r["q"]), 2), timeliness=round(float(r["t"]), 2),
                  cost_control=round(float(r["c"]), 2), communication=round(float(r["m"]), 2),
                  overall=round(float(r["q"] + r["t"] + r["c"] + r["m"]) / 4, 2))


_AVERAGES = "avg(quality) AS q, avg(timeliness) AS t, avg(cost_control) AS c, avg(communication) AS m"


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


async def build_scorecard(conn: Connection, vendor_id: str) -> Scorecard:
    contracts: Any = await conn.fetchrow(
        "SELECT count(*) AS contracts, count(DISTINCT agency_id) AS agencies FROM scorecard_contracts"
        " WHERE vendor_id = $1", vendor_id)
    overall: Any = await conn.fetchrow(f"SELECT count(*) AS n, {_AVERAGES} FROM scorecard_ratings WHERE vendor_id = $1",
                                  vendor_id)
    quarters = await conn.fetch(
        f"SELECT to_char(rated_on, 'YYYY-\"Q\"Q') AS quarter, count(*) AS n, {_AVERAGES} FROM scorecard_ratings"
        " WHERE vendor_id = $1 GROUP BY 1 ORDER BY 1", vendor_id)
    latest = await conn.fetch(
        "SELECT * FROM scorecard_ratings WHERE vendor_id = $1 ORDER BY rated_on DESC, rating_id LIMIT $2",
        vendor_id, LISTED)
    invoices: Any = await conn.fetchrow(
        "SELECT count(*) AS submitted, count(*) FILTER (WHERE d.n > 0) AS disputed, coalesce(sum(d.n), 0) AS disputes"
        " FROM scorecard_invoices i LEFT JOIN LATERAL (SELECT count(*) AS n FROM scorecard_disputes s"
        " WHERE s.invoice_id = i.invoice_id) d ON true WHERE i.vendor_id = $1", vendor_id)
    protests: Any = await conn.fetchrow(
        "SELECT count(*) AS filed, count(*) FILTER (WHERE outcome = 'sustained') AS upheld,"
        " count(*) FILTER (WHERE outcome = 'dismissed') AS dismissed,"
        " count(*) FILTER (WHERE outcome = 'withdrawn') AS withdrawn,"
        " count(*) FILTER (WHERE outcome IS NULL) AS pending FROM scorecard_protests WHERE vendor_id = $1", vendor_id)
    deliverables: Any = await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE outcome = 'accepted') AS accepted,"
        " count(*) FILTER (WHERE outcome = 'rejected') AS rejected,"
        " count(*) FILTER (WHERE outcome = 'overdue') AS overdue FROM scorecard_deliverables WHERE vendor_id = $1",
        vendor_id)
    amendments = await conn.fetch(
        "SELECT * FROM scorecard_amendments WHERE vendor_id = $1 ORDER BY modified_on DESC, contract_id, number DESC",
        vendor_id)
    items = [Amendment(contract_id=a["contract_id"], number=a["number"], agency_id=a["agency_id"], kind=a["kind"],
                       modified_on=a["modified_on"],
                       value_change=Money(amount=a["value_after"] - a["value_before"], currency=a["currency"]),
                       change_percent=_percent(a["value_after"] - a["value_before"], a["original_value"]),
                       end_date_change_days=(a["end_after"] - a["end_before"]).days) for a in amendments]
    by_currency = []
    for currency in sorted({a.value_change.currency for a in items}):
        mine = [a for a in items if a.value_change.currency == currency]
        shares = [abs(a.change_percent) for a in mine if a.change_percent is not None]
        by_currency.append(AmendmentTotals(
            currency=currency, amendments=len(mine),
            net_change=Money(amount=sum(a.value_change.amount for a in mine), currency=currency),
            largest_change_percent=max(shares) if shares else None))
    return Scorecard(
        vendor_id=vendor_id, contracts=contracts["contracts"], agencies=contracts["agencies"], notes=NOTES,
        ratings=Ratings(count=overall["n"], average=_scores(overall) if overall["n"] else None,
                        by_quarter=[QuarterRatings(quarter=q["quarter"], ratings=q["n"], average=_scores(q))
                                    for q in quarters],
                        latest=[Rating(rating_id=r["rating_id"], contract_id=r["contract_id"],
                                       agency_id=r["agency_id"], rated_on=r["rated_on"], quality=r["quality"],
                                       timeliness=r["timeliness"], cost_control=r["cost_control"],
                                       communication=r["communication"]) for r in latest]),
        invoices=Invoices(submitted=invoices["submitted"], disputed=invoices["disputed"],
                          disputes=int(invoices["disputes"]),
                          disputed_share_percent=_percent(invoices["disputed"], invoices["submitted"])),
        protests=Protests(filed=protests["filed"], upheld=protests["upheld"], dismissed=protests["dismissed"],
                          withdrawn=protests["withdrawn"], pending=protests["pending"]),
        amendments=Amendments(count=len(items), contracts_amended=len({a.contract_id for a in items}),
                              by_currency=by_currency, latest=items[:LISTED]),
        deliverables=Deliverables(
            accepted=deliverables["accepted"], rejected=deliverables["rejected"], overdue=deliverables["overdue"],
            accepted_share_percent=_percent(deliverables["accepted"],
                                            deliverables["accepted"] + deliverables["rejected"])))
