"""The one-year spend cube over a million payments, and the forecast of one agency.

Generates a marketplace as events (agencies, vendors with certifications and local claims,
solicitations, contracts ending over the next year) and, per payment, its invoice
(``InvoiceSubmitted``), ``PaymentStarted`` and ``PaymentSucceeded`` (a few refunded): a
million in the measured year and a quarter as many the year before (the forecast's history).
They are fed to the ``spend`` projection's own ``apply`` in big batches on a database of its
own; then the report is timed for one agency and for all agencies, grouped several ways, and
the forecast of one agency's every category. Beside them, in the same run, the floor: one
plain scan of the year's cube rows.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from events.base import Event, Money
from events.contracts import ContractOpened
from events.invoices import InvoiceSubmitted, ServicePeriod
from events.payments import PaymentRefunded, PaymentStarted, PaymentSucceeded
from events.vendors import (
    Address,
    CertificationAdded,
    CertificationVerified,
    VendorApproved,
    VendorRegistered,
)
from infra import db
from infra.bench.figures import latencies_ms, percentile
from infra.bench.loading import recorded, settle
from infra.bench.scratch import scratch
from infra.settings import Settings
from kernel.programs import programs
from projections.bench_marketplace import at, commodity_codes, solicitation
from projections.spend.cube import Slice
from projections.spend.forecast import build_forecast
from projections.spend.projection import SpendProjection
from projections.spend.report import build_report

YEAR = 2025
START = datetime(YEAR - 2, 1, 1, tzinfo=UTC)
REPORT_TARGET_MS, FORECAST_TARGET_MS = 200.0, 500.0
AGENCY = "ag03"


@dataclass(frozen=True)
class Timing:
    label: str
    p50_ms: float
    p95_ms: float
    target_ms: float


def marketplace_events(payments: int, *, agencies: int = 20, vendors: int = 3000, seed: int = 11) -> Iterator[Event]:
    """Reference data first, then two years of payments by day (a quarter as many the year before)."""
    rng = random.Random(seed)
    codes = commodity_codes(rng)
    program_codes = list(programs())
    agency_ids = [f"ag{a:02d}" for a in range(agencies)]
    registered: list[Event] = []
    approved: list[Event] = []
    added: list[Event] = []
    verified: list[Event] = []
    for v in range(vendors):  # each kind in one run: the projection applies a run in one statement
        vid = f"v{v:05d}"
        registered.append(VendorRegistered(
            vendor_id=vid, owner=f"u{v}", legal_name=f"Vendor {v}", tax_id="12-3456789",
            address=Address(line1="1 Main", city="Springfield", state="IL", zip="62701"), employees=10,
            revenue_band="1m_5m", commodity_codes=[rng.choice(codes)],
            local_agencies=rng.sample(agency_ids, rng.choice((0, 0, 1, 2)))))
        approved.append(VendorApproved(vendor_id=vid, approved_at=START, expires_at=START + timedelta(days=2000)))
        for c in range(rng.choice((0, 0, 1, 1, 2))):
            effective = date(YEAR - 2, 1, 1) + timedelta(days=rng.randrange(800))
            added.append(CertificationAdded(vendor_id=vid, cert_id=f"{vid}c{c}", program=rng.choice(program_codes),
                                            issuing_body="State", number="N", effective_date=effective,
                                            expiry_date=effective + timedelta(days=rng.choice((365, 730, 1095)))))
            verified.append(CertificationVerified(
                vendor_id=vid, cert_id=f"{vid}c{c}", verified_at=at(effective + timedelta(days=rng.choice((0, 10, 90))))))
    yield from (*registered, *approved, *added, *verified)
    # a vendor wins contracts in the commodity it registered for
    registered_for: dict[str, list[str]] = {}
    for event in registered:
        assert isinstance(event, VendorRegistered)
        registered_for.setdefault(event.commodity_codes[0], []).append(event.vendor_id)
    solicitations = [(f"s{s:05d}", rng.choice(agency_ids), rng.choice(codes)) for s in range(4000)]
    deadline = at(date(YEAR - 2, 12, 1))
    for sid, agency, code in solicitations:
        yield solicitation(sid, agency, code, deadline)
    contracts = []
    for k in range(20_000):
        sid, agency, code = rng.choice(solicitations)
        vid = rng.choice(registered_for.get(code) or [f"v{rng.randrange(vendors):05d}"])
        contracts.append((f"k{k:05d}", agency, vid))
        yield ContractOpened(contract_id=f"k{k:05d}", award_id=f"aw{k}", solicitation_id=sid, agency_id=agency,
                             vendor_id=vid, value=Money(amount=10**9, currency="USD"),
                             start_date=date(YEAR - 1, 1, 1),
                             end_date=date(YEAR + 1, 1, 1) + timedelta(days=rng.randrange(540)),
                             terms_ref="T", requires_receipt=False)
    for year, count in ((YEAR - 1, payments // 4), (YEAR, payments)):
        yield from _payments(rng, year, count, contracts, prefix=f"p{year}-")


def _payments(rng: random.Random, year: int, count: int, contracts: list[tuple[str, str, str]],
              prefix: str) -> Iterator[Event]:
    first = date(year, 1, 1)
    per_day = count // 365 + 1
    made = 0
    started_yesterday: list[tuple[str, int]] = []
    usd = "USD"
    for offset in range(367):
        day = first + timedelta(days=offset)
        today: list[tuple[str, int]] = []
        invoices: list[Event] = []
        starts: list[Event] = []
        # seasonal: more at the fiscal year end (June), less in August
        wanted = round(per_day * (1.5 if day.month == 6 else 0.6 if day.month == 8 else 1.0))
        while offset < 365 and made < count and len(today) < wanted:
            contract_id, agency, vid = rng.choice(contracts)
            amount = rng.randrange(10_000, 5_000_000)
            pid = f"{prefix}{made:07d}"
            today.append((pid, amount))
            made += 1
            received = day - timedelta(days=rng.randrange(5, 50))
            invoices.append(InvoiceSubmitted(
                invoice_id=f"i{pid}", contract_id=contract_id, agency_id=agency, vendor_id=vid, number="N",
                total=Money(amount=amount, currency=usd), received_at=at(received),
                service_period=ServicePeriod(start=received, end=received)))
            starts.append(PaymentStarted(
                payment_id=pid, invoice_id=f"i{pid}", contract_id=contract_id, agency_id=agency, vendor_id=vid,
                amount=Money(amount=amount, currency=usd), stripe_payment_intent="pi",
                due_date=received + timedelta(days=30)))
        yield from invoices
        yield from starts
        for pid, amount in started_yesterday:  # Stripe confirms the next day
            yield PaymentSucceeded(payment_id=pid, amount=Money(amount=amount, currency=usd), paid_at=at(day, 14),
                                   interest=Money(amount=amount // 1000, currency=usd))
        for pid, amount in started_yesterday[::100]:
            yield PaymentRefunded(payment_id=pid, amount=Money(amount=amount // 2, currency=usd),
                                  refunded_at=at(day, 16))
        started_yesterday = today


async def _time(label: str, target: float, repeat: int, run: Callable[[], Awaitable[Any]]) -> Timing:
    samples = await latencies_ms(run, repeat)
    return Timing(label, percentile(samples, 50), percentile(samples, 95), target)


async def _load(conn: Any, events: Iterator[Event], progress: Any) -> int:
    """Apply the events in batches, one short transaction each (as the runner does), with the
    statistics refreshed as the tables grow (as autovacuum would between a live day's batches)."""
    projection, done = SpendProjection(), 0
    for n, chunk in enumerate(recorded(events, 20_000)):
        async with conn.transaction():
            await projection.apply(conn, chunk)
        done += len(chunk)
        if n % 10 == 0:
            await conn.execute("ANALYZE spend_vendors, spend_certifications, spend_contracts, spend_invoices,"
                               " spend_payments, spend_cube, spend_cube_agency, spend_cube_vendor")
        if progress:
            progress(done)
    return done


def _report(conn: Any, s: Slice, group_by: tuple[str, ...]) -> Callable[[], Awaitable[Any]]:
    return lambda: build_report(conn, s, group_by)


async def run(settings: Settings, *, payments: int = 1_000_000, repeat: int = 15,
              progress: Any = None) -> dict[str, Any]:
    """The figures as ``civic bench spend`` reports them."""
    async with scratch(settings, "spend") as own:
        conn = await db.connect(own.database_url or "")
        try:
            started = time.perf_counter()
            events = await _load(conn, marketplace_events(payments), progress)
            await conn.execute("VACUUM ANALYZE")
            await settle(conn)
            load_seconds = time.perf_counter() - started
            paid = await conn.fetchval(
                "SELECT count(*) FROM spend_payments WHERE paid_on >= $1 AND paid_on <= $2",
                date(YEAR, 1, 1), date(YEAR, 12, 31))
            cube_rows = await conn.fetchval("SELECT count(*) FROM spend_cube WHERE month >= $1 AND month <= $2",
                                            date(YEAR, 1, 1), date(YEAR, 12, 1))
            timings = [await _time("floor: one scan of the year's cube rows", REPORT_TARGET_MS, repeat,
                                   lambda: conn.fetchval("SELECT sum(amount) FROM spend_cube WHERE month >= $1"
                                                         " AND month <= $2", date(YEAR, 1, 1), date(YEAR, 12, 1)))]
            groupings: list[tuple[str, ...]] = [("category",), ("vendor",), ("program", "local"), ("month",),
                                                ("agency",)]
            for agency in (AGENCY, None):
                for group_by in groupings:
                    if agency and group_by == ("agency",):
                        continue
                    s = Slice(first=date(YEAR, 1, 1), last=date(YEAR, 12, 1), currency="USD", agency=agency)
                    label = f"{'agency ' + agency if agency else 'all agencies'}, by {','.join(group_by)}"
                    timings.append(await _time(label, REPORT_TARGET_MS, repeat, _report(conn, s, group_by)))
            forecast = await build_forecast(conn, AGENCY, date(YEAR + 1, 1, 15), "USD")
            timings.append(await _time(f"forecast, agency {AGENCY}, all {len(forecast.categories)} categories",
                                       FORECAST_TARGET_MS, repeat,
                                       lambda: build_forecast(conn, AGENCY, date(YEAR + 1, 1, 15), "USD")))
        finally:
            await conn.close()
    tested = [c.backtest.wape_percent for c in forecast.categories if c.backtest and c.backtest.wape_percent]
    result: dict[str, Any] = {"benchmark": "spend", "payments_in_year": paid, "events": events,
                              "cube_rows_in_year": cube_rows, "load_seconds": round(load_seconds, 1),
                              "report_target_ms": REPORT_TARGET_MS, "forecast_target_ms": FORECAST_TARGET_MS,
                              "forecast_median_wape_percent": sorted(tested)[len(tested) // 2] if tested else None}
    for timing in timings:
        result[f"{timing.label} p50_ms"] = round(timing.p50_ms, 1)
        result[f"{timing.label} p95_ms"] = round(timing.p95_ms, 1)
    result["within_targets"] = all(t.p95_ms <= t.target_ms for t in timings)
    # the machine's load when the timings ended: read them against the floor measured beside them
    result["load_average_1m"] = round(os.getloadavg()[0], 1)
    result["cpus"] = os.cpu_count()
    return result
