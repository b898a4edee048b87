"""``civic bench search``: solicitation search over a large marketplace.

Generates solicitations as events (``SolicitationCreated`` + ``SolicitationPublished``, some
closed or awarded), feeds them to the ``search`` projection's own ``apply`` in big batches
on a database of its own, then measures typical queries (two words + status + one more
filter) with and without facets through the same function the HTTP route calls.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from events.agencies import AgencyRegistered
from events.base import Event, Money
from events.solicitations import (
    SolicitationAwarded,
    SolicitationClosed,
    SolicitationCreated,
    SolicitationPublished,
)
from infra import db
from infra.bench.figures import percentile
from infra.bench.loading import load, settle
from infra.bench.scratch import scratch
from infra.db import Connection
from infra.settings import Settings
from kernel.commodities import descriptions
from projections.search.projection import SearchProjection
from projections.search.solicitation_query import SolicitationSearch, search_solicitations

SERVICES = ["repair", "maintenance", "installation", "replacement", "inspection", "supply", "design",
            "construction", "cleaning", "upgrade", "rental", "removal", "testing", "training", "consulting",
            "paving", "painting", "renovation", "monitoring", "delivery", "hauling", "support", "audit",
            "survey", "restoration"]
OBJECTS = ["roof", "boiler", "elevator", "bridge", "culvert", "sidewalk", "playground", "library", "laptop",
           "server", "network", "radio", "ambulance", "bus", "truck", "mower", "generator", "pump", "valve",
           "meter", "streetlight", "signal", "fence", "carpet", "window", "door", "hvac", "chiller", "tank",
           "pipeline", "sewer", "hydrant", "park", "pool", "stadium", "courthouse", "jail", "school", "clinic",
           "shelter", "parking", "garage", "runway", "dock", "pier", "tunnel", "trail", "landfill", "uniform",
           "furniture", "printer", "software", "camera", "badge", "vaccine", "asphalt", "concrete", "salt",
           "gravel", "fuel", "tire", "battery", "solar", "lighting", "wastewater", "stormwater", "drainage",
           "irrigation", "janitorial", "security", "catering", "translation", "payroll", "website", "records"]
PLACES = ["city hall", "north district", "harbor", "airport", "transit center", "public works yard",
          "water treatment plant", "fire station 4", "police headquarters", "central library", "county jail",
          "east campus", "west annex", "maintenance depot", "community center", "senior center"]
FILLER = ["The contractor shall provide all labor, materials and equipment.", "Work is to be performed "
          "during off-peak hours.", "Prevailing wage requirements apply.", "Bidders must hold a valid "
          "state license.", "A pre-bid site visit is recommended.", "Bonding is required for this work.",
          "Delivery within ninety days of award.", "Warranty of at least two years is required."]
TYPES = ["RFP", "RFQ", "ITB", "RFI"]
SET_ASIDES = [None] * 7 + ["small_business", "MBE", "WBE", "DBE", "VOSB"]
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Figures:
    rows: int
    load_seconds: float
    queries: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    p50_facets_ms: float
    p95_facets_ms: float
    p99_facets_ms: float
    mean_hits: float

    def lines(self) -> list[str]:
        return [
            f"solicitations loaded through the projection: {self.rows:,} in {self.load_seconds:.0f} s"
            f" ({self.rows / max(self.load_seconds, 1e-9):,.0f}/s)",
            f"typical query (2 words + status + 1 filter), {self.queries} queries, "
            f"{self.mean_hits:,.0f} matches on average",
            f"  without facets: p50 {self.p50_ms:.1f} ms  p95 {self.p95_ms:.1f} ms  p99 {self.p99_ms:.1f} ms"
            "  (target p95 <= 25 ms)",
            f"  with facets:    p50 {self.p50_facets_ms:.1f} ms  p95 {self.p95_facets_ms:.1f} ms"
            f"  p99 {self.p99_facets_ms:.1f} ms  (target p95 <= 60 ms)",
        ]


def _codes() -> list[str]:
    """Eight-digit UNSPSC codes under the described families and classes."""
    found = []
    for (scheme, prefix) in descriptions():
        if scheme == "unspsc" and len(prefix) >= 4:
            found.append((prefix + "00000000")[:8])
    return sorted(found)


def solicitation_events(count: int, agencies: int, seed: int) -> Iterator[Event]:
    rng = random.Random(seed)
    codes = _codes()
    for i in range(agencies):
        yield AgencyRegistered(agency_id=f"ag{i:03d}", name=f"Agency {i:03d}", jurisdiction="US")
    for i in range(count):
        service, obj, other = rng.choice(SERVICES), rng.choice(OBJECTS), rng.choice(OBJECTS)
        place = rng.choice(PLACES)
        sid = f"sol{i:07d}"
        published = NOW - timedelta(days=rng.uniform(0, 360))
        deadline = published + timedelta(days=rng.uniform(10, 60))
        created = SolicitationCreated(
            solicitation_id=sid, agency_id=f"ag{rng.randrange(agencies):03d}",
            solicitation_type=rng.choice(TYPES), title=f"{obj.title()} {service} at {place}",
            description=f"{service.title()} of {obj} and {other} for the {place}. "
                        + " ".join(rng.sample(FILLER, 3)),
            commodity_codes=[rng.choice(codes)], estimated_value=Money(amount=rng.randrange(5_000_00, 5_000_000_00),
                                                                       currency="USD"),
            method="open", set_aside=rng.choice(SET_ASIDES), submission_deadline=deadline,
            questions_deadline=deadline - timedelta(days=5), opening_time=deadline + timedelta(hours=1),
        )
        yield created
        yield SolicitationPublished(solicitation_id=sid, agency_id=created.agency_id, published_at=published,
                                    submission_deadline=deadline)
        if deadline < NOW:  # the closing timer has fired; most are awarded some weeks later
            yield SolicitationClosed(solicitation_id=sid, closed_at=deadline)
            if deadline < NOW - timedelta(days=30) and rng.random() < 0.7:
                yield SolicitationAwarded(solicitation_id=sid)


def _typical_queries(count: int, agencies: int, seed: int) -> list[SolicitationSearch]:
    rng = random.Random(seed + 1)
    codes = _codes()
    found = []
    for i in range(count):
        words = f"{rng.choice(OBJECTS)} {rng.choice(SERVICES)}"
        choices: list[dict[str, Any]] = [
            {"agency": (f"ag{rng.randrange(agencies):03d}",)},
            {"type": (rng.choice(TYPES),)},
            {"commodity": (rng.choice(codes)[:2],)},
            {"value_min": 100_000_00},
        ]
        extra = choices[i % 4]
        status = ("open",) if i % 3 else ("closed",)
        found.append(SolicitationSearch(q=words, status=status, now=NOW, **extra))
    return found


async def measure(conn: Connection, queries: list[SolicitationSearch]) -> tuple[list[float], list[float], float]:
    plain, faceted, hits = [], [], []
    for query in queries[:20]:  # warm the caches
        await search_solicitations(conn, query)
    for query in queries:
        started = time.perf_counter()
        await search_solicitations(conn, SolicitationSearch(**{**query.__dict__, "facets": False}))
        plain.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        result = await search_solicitations(conn, query)
        faceted.append((time.perf_counter() - started) * 1000)
        hits.append(result.total or 0)
    return plain, faceted, statistics.mean(hits)


async def run_search_bench(settings: Settings, *, rows: int = 1_000_000, agencies: int = 60, queries: int = 400,
                           seed: int = 7, progress: Any = None) -> Figures:
    """Load ``rows`` solicitations into a scratch database on the configured server and measure."""
    async with scratch(settings, "search") as own:
        conn = await db.connect(own.database_url or "")
        try:
            started = time.perf_counter()
            await load(conn, SearchProjection(), solicitation_events(rows, agencies, seed), progress=progress)
            await conn.execute("VACUUM ANALYZE search_solicitations")
            await settle(conn)
            load_seconds = time.perf_counter() - started
            plain, faceted, hits = await measure(conn, _typical_queries(queries, agencies, seed))
        finally:
            await conn.close()
    return Figures(rows=rows, load_seconds=load_seconds, queries=len(plain),
                   p50_ms=percentile(plain, 50), p95_ms=percentile(plain, 95), p99_ms=percentile(plain, 99),
                   p50_facets_ms=percentile(faceted, 50), p95_facets_ms=percentile(faceted, 95),
                   p99_facets_ms=percentile(faceted, 99), mean_hits=hits)


async def run(settings: Settings, *, rows: int = 1_000_000) -> dict[str, Any]:
    """``civic bench search``: the figures as the bench command reports them."""
    figures = await run_search_bench(settings, rows=rows)
    return {"benchmark": "search", **dataclasses.asdict(figures), "target_p95_ms": 25.0,
            "target_p95_facets_ms": 60.0}
