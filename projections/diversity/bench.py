"""The one-year supplier-diversity report over a million payments.

Generates a marketplace as events (agencies with goals, vendors with certifications that
start, expire and get verified late, solicitations, contracts, bids, awards) and a million
payments (``PaymentStarted`` + ``PaymentSucceeded``, a few refunded) spread over a year, feeds
them to the ``diversity`` projection's own ``apply`` in big batches on a database of its own,
then times the report for one agency and for all agencies, grouped several ways.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from events.agencies import AgencyRegistered, DiversityGoal
from events.awards import AwardFinalized
from events.base import Event, Money
from events.bids import BidSubmitted
from events.contracts import ContractOpened
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
from infra.bench.loading import load, settle
from infra.bench.scratch import scratch
from infra.settings import Settings
from kernel.programs import programs
from projections.bench_marketplace import at, commodity_codes, solicitation
from projections.diversity.figures import GROUPS, Scope
from projections.diversity.projection import DiversityProjection
from projections.diversity.report import build_report

YEAR = 2025
START = datetime(YEAR - 1, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Timing:
    label: str
    p50_ms: float
    p95_ms: float


@dataclass(frozen=True)
class Figures:
    payments: int
    events: int
    load_seconds: float
    timings: list[Timing]

    def lines(self) -> list[str]:
        return [
            f"payments loaded through the projection: {self.payments:,} ({self.events:,} events) in "
            f"{self.load_seconds:.0f} s",
            f"one-year report ({YEAR}-01-01 to {YEAR}-12-31), target <= 200 ms:",
            *(f"  {t.label:38} p50 {t.p50_ms:6.1f} ms  p95 {t.p95_ms:6.1f} ms" for t in self.timings),
        ]


def marketplace_events(payments: int, *, agencies: int = 20, vendors: int = 3000, seed: int = 11) -> Iterator[Event]:
    """The marketplace in time order: reference data first, then a year of activity by day."""
    rng = random.Random(seed)
    codes = commodity_codes(rng)
    program_codes = list(programs())
    for a in range(agencies):
        goals = [DiversityGoal(program=p, percent=float(rng.choice((5, 10, 15, 20))))
                 for p in rng.sample(program_codes, 3)]
        yield AgencyRegistered(agency_id=f"ag{a:02d}", name=f"Agency {a:02d}", jurisdiction="US", goals=goals)
    for v in range(vendors):
        vid = f"v{v:05d}"
        yield VendorRegistered(vendor_id=vid, owner=f"u{v}", legal_name=f"Vendor {v}", tax_id="12-3456789",
                               address=Address(line1="1 Main", city="Springfield", state="IL", zip="62701"),
                               employees=10, revenue_band="1m_5m", commodity_codes=[rng.choice(codes)])
        yield VendorApproved(vendor_id=vid, approved_at=START, expires_at=START + timedelta(days=1000))
        for c in range(rng.choice((0, 0, 1, 1, 2))):
            effective = date(YEAR - 1, 1, 1) + timedelta(days=rng.randrange(500))
            expiry = effective + timedelta(days=rng.choice((200, 365, 730)))
            yield CertificationAdded(vendor_id=vid, cert_id=f"{vid}c{c}", program=rng.choice(program_codes),
                                     issuing_body="State", number="N", effective_date=effective, expiry_date=expiry)
            verified = effective + timedelta(days=rng.choice((0, 0, 10, 90)))
            yield CertificationVerified(vendor_id=vid, cert_id=f"{vid}c{c}", verified_at=at(verified))
    solicitations = [(f"s{s:05d}", f"ag{rng.randrange(agencies):02d}") for s in range(4000)]
    for sid, agency in solicitations:
        yield solicitation(sid, agency, rng.choice(codes), at(date(YEAR - 1, 12, 1)))
    contracts = []
    for k in range(20_000):
        sid, agency = rng.choice(solicitations)
        vid = f"v{rng.randrange(vendors):05d}"
        contracts.append((f"k{k:05d}", agency, vid))
        yield ContractOpened(contract_id=f"k{k:05d}", award_id=f"aw{k}", solicitation_id=sid, agency_id=agency,
                             vendor_id=vid, value=Money(amount=10**8, currency="USD"), start_date=date(YEAR, 1, 1),
                             end_date=date(YEAR, 12, 31), terms_ref="T", requires_receipt=False)
    per_day = payments // 365 + 1
    made = 0
    started_yesterday: list[tuple[str, int]] = []
    for offset in range(367):
        day = date(YEAR, 1, 1) + timedelta(days=offset)
        for n in range(60 if offset < 365 else 0):
            sid, agency = rng.choice(solicitations)
            vid = f"v{rng.randrange(vendors):05d}"
            yield BidSubmitted(bid_id=f"b{offset}-{n}", solicitation_id=sid, vendor_id=vid, received_at=at(day, 9),
                               sealed="x")
            if n % 3 == 0:
                yield AwardFinalized(award_id=f"a{offset}-{n}", solicitation_id=sid, agency_id=agency, vendor_id=vid,
                                     value=Money(amount=rng.randrange(10**6, 10**9), currency="USD"),
                                     decided_by="chief", rationale="best value", finalized_at=at(day, 10))
        today: list[tuple[str, int]] = []
        while offset < 365 and made < payments and len(today) < per_day:
            contract_id, agency, vid = rng.choice(contracts)
            amount = rng.randrange(10_000, 5_000_000)
            pid = f"p{made:07d}"
            today.append((pid, amount))
            made += 1
            yield PaymentStarted(payment_id=pid, invoice_id=f"i{pid}", contract_id=contract_id, agency_id=agency,
                                 vendor_id=vid, amount=Money(amount=amount, currency="USD"), stripe_payment_intent="pi")
        for pid, amount in started_yesterday:  # Stripe confirms the next day
            yield PaymentSucceeded(payment_id=pid, amount=Money(amount=amount, currency="USD"), paid_at=at(day, 14),
                                   interest=Money(amount=0, currency="USD"))
        for pid, amount in started_yesterday[::100]:
            yield PaymentRefunded(payment_id=pid, amount=Money(amount=amount // 2, currency="USD"),
                                  refunded_at=at(day, 16))
        started_yesterday = today


async def run_diversity_bench(settings: Settings, *, payments: int = 1_000_000, repeat: int = 15,
                              progress: Any = None) -> Figures:
    """Load a year of ``payments`` into a scratch database on the configured server and time reports."""
    async with scratch(settings, "diversity") as own:
        conn = await db.connect(own.database_url or "")
        try:
            started = time.perf_counter()
            events = await load(conn, DiversityProjection(), marketplace_events(payments), progress=progress)
            await conn.execute("VACUUM ANALYZE")
            await settle(conn)
            load_seconds = time.perf_counter() - started
            paid = await conn.fetchval("SELECT count(*) FROM diversity_payments WHERE paid_on IS NOT NULL")
            timings = []
            for agency in ("ag03", None):
                for group_by in GROUPS:
                    if agency and group_by == "agency":
                        continue
                    scope = Scope(start=date(YEAR, 1, 1), end=date(YEAR, 12, 31), currency="USD",
                                  group_by=group_by, agency=agency)
                    samples = await latencies_ms(partial(build_report, conn, scope), repeat)
                    label = f"{'agency ag03' if agency else 'all agencies'}, by {group_by}"
                    timings.append(Timing(label, percentile(samples, 50), percentile(samples, 95)))
        finally:
            await conn.close()
    return Figures(payments=paid, events=events, load_seconds=load_seconds, timings=timings)


async def run(settings: Settings, *, payments: int = 1_000_000) -> dict[str, Any]:
    """The figures as ``civic bench diversity`` reports them."""
    figures = await run_diversity_bench(settings, payments=payments)
    result: dict[str, Any] = {"benchmark": "diversity", "payments": figures.payments, "events": figures.events,
                              "load_seconds": figures.load_seconds, "target_ms": 200.0}
    for timing in figures.timings:
        result[f"{timing.label} p50_ms"] = timing.p50_ms
        result[f"{timing.label} p95_ms"] = timing.p95_ms
    return result
