"""``civic bench marketplace``: catalog search over cooperative contracts holding 100,000
catalog items.

Generates cooperative contracts as events (``ContractOpened`` with a catalog, then
``ContractActivated``), feeds them to the listing projection's own ``apply`` on a database
of its own, then times typical searches (a word or two, some with a commodity code or a
lead agency) through the same function the HTTP route calls, facets included. Beside them,
in the same run, the ceiling: the bare full-text match on the same table (no facets, no
paging), which no search can beat.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from events.base import Event, Money
from events.contracts import CatalogItem, ContractActivated, ContractOpened
from events.solicitations import CooperativeStatement
from infra import db
from infra.bench.figures import percentile
from infra.bench.loading import NOW, load, settle
from infra.bench.scratch import scratch
from infra.db import Connection
from infra.settings import Settings
from services.marketplace.readmodel.listing import (
    MarketplaceListing,
    SearchFilters,
    search_contracts,
)

#: a contract's catalog is themed (a contract for computers lists computers)
THEMES = {
    "computing": ["laptop", "monitor", "printer", "toner", "router", "switch", "tablet", "keyboard"],
    "roads": ["salt", "gravel", "asphalt", "concrete", "sealant", "brine", "aggregate", "patch"],
    "water": ["pipe", "valve", "hydrant", "meter", "pump", "coupling", "gasket", "chlorine"],
    "safety": ["uniform", "boot", "glove", "helmet", "vest", "goggles", "respirator", "harness"],
    "traffic": ["cone", "barricade", "sign", "post", "signal", "streetlight", "paint", "reflector"],
    "power": ["generator", "battery", "cable", "bulb", "transformer", "breaker", "inverter", "panel"],
    "office": ["desk", "chair", "cabinet", "shelf", "paper", "binder", "stapler", "whiteboard"],
    "fleet": ["tire", "fuel", "oil", "filter", "brake", "wiper", "coolant", "lamp"],
    "radio": ["radio", "antenna", "repeater", "headset", "charger", "microphone", "speaker", "scanner"],
    "security": ["camera", "badge", "lock", "reader", "recorder", "sensor", "alarm", "intercom"],
}
GOODS = [good for goods in THEMES.values() for good in goods]
QUALITIES = ["heavy duty", "standard", "rugged", "compact", "reflective", "galvanised", "recycled",
             "wireless", "insulated", "high visibility", "bulk", "treated", "certified", "energy efficient"]
UNITS = ["each", "box", "ton", "gallon", "pack", "pair", "case", "foot"]
CODES = [f"{family}{n:04d}" for family in ("4321", "3012", "5512", "4614", "1235", "5610") for n in range(40)]


@dataclass(frozen=True)
class Figures:
    contracts: int
    catalog_items: int
    load_seconds: float
    queries: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    ceiling_p95_ms: float
    mean_hits: float

    def lines(self) -> list[str]:
        return [f"catalog search over {self.catalog_items:,} items in {self.contracts:,} contracts: "
                f"p95 {self.p95_ms:.1f} ms (target <= 25 ms; bare match {self.ceiling_p95_ms:.1f} ms)"]


def contract_events(contracts: int, items_each: int, agencies: int, seed: int) -> Iterator[Event]:
    rng = random.Random(seed)
    for i in range(contracts):
        contract_id = f"ct{i:06d}"
        lead = f"ag{rng.randrange(agencies):03d}"
        theme = rng.choice(list(THEMES))
        catalog = []
        for n in range(items_each):
            good = rng.choice(THEMES[theme])
            catalog.append(CatalogItem(
                item_id=f"i{n:03d}", description=f"{rng.choice(QUALITIES).title()} {good}, model {rng.randrange(999)}",
                commodity_code=CODES[(list(THEMES).index(theme) * 24 + rng.randrange(24)) % len(CODES)],
                unit=rng.choice(UNITS),
                unit_price=Money(amount=rng.randrange(1_00, 5_000_00), currency="USD"), estimated_quantity=100))
        start = (NOW - timedelta(days=rng.uniform(0, 700))).date()
        yield ContractOpened(
            contract_id=contract_id, award_id=f"aw{i:06d}", solicitation_id=f"sol{i:06d}", agency_id=lead,
            vendor_id=f"v{rng.randrange(contracts // 4 + 1):05d}", value=Money(amount=10_000_000_00, currency="USD"),
            start_date=start, end_date=start + timedelta(days=rng.choice((365, 730, 1095))), terms_ref="t",
            requires_receipt=True, title=f"{theme.title()} supplies, lot {i}", catalog=catalog,
            cooperative=CooperativeStatement(eligible="all", lead_agency_id=lead))
        yield ContractActivated(contract_id=contract_id, activated_at=NOW - timedelta(minutes=contracts - i))


def typical_searches(count: int, agencies: int, seed: int) -> list[SearchFilters]:
    rng = random.Random(seed + 1)
    found = []
    for i in range(count):
        words = rng.choice(GOODS) if i % 2 else f"{rng.choice(QUALITIES).split()[0]} {rng.choice(GOODS)}"
        extra: dict[str, Any] = [{}, {"commodity_code": rng.choice(CODES)},
                                 {"lead_agency": f"ag{rng.randrange(agencies):03d}"}][i % 3]
        found.append(SearchFilters(q=words, **extra))
    return found


async def _bare(conn: Connection, filters: SearchFilters) -> None:
    await conn.fetch("SELECT contract_id FROM marketplace_contracts WHERE status = 'active'"
                     " AND document @@ websearch_to_tsquery('english', $1) LIMIT 20", filters.q)


async def run_marketplace_bench(settings: Settings, *, items: int = 100_000, items_each: int = 50,
                                agencies: int = 60, queries: int = 400, seed: int = 11) -> Figures:
    contracts = max(items // items_each, 1)
    async with scratch(settings, "marketplace") as own:
        conn = await db.connect(own.database_url or "")
        try:
            started = time.perf_counter()
            await load(conn, MarketplaceListing(), contract_events(contracts, items_each, agencies, seed), batch=2_000)
            await conn.execute("VACUUM ANALYZE marketplace_contracts")
            await settle(conn)
            load_seconds = time.perf_counter() - started
            searches = typical_searches(queries, agencies, seed)
            today = NOW.date()
            for filters in searches[:20]:  # warm the caches
                await search_contracts(conn, filters, today, limit=20, after=None)
            timed, bare, hits = [], [], []
            for filters in searches:  # in turns, so that both meet the same load
                begun = time.perf_counter()
                await _bare(conn, filters)
                bare.append((time.perf_counter() - begun) * 1000)
                begun = time.perf_counter()
                rows, _, facets = await search_contracts(conn, filters, today, limit=20, after=None)
                timed.append((time.perf_counter() - begun) * 1000)
                hits.append(sum(f.count for f in facets.lead_agency))
        finally:
            await conn.close()
    return Figures(contracts=contracts, catalog_items=contracts * items_each, load_seconds=load_seconds,
                   queries=len(timed), p50_ms=percentile(timed, 50), p95_ms=percentile(timed, 95),
                   p99_ms=percentile(timed, 99), ceiling_p95_ms=percentile(bare, 95),
                   mean_hits=sum(hits) / max(len(hits), 1))


async def run(settings: Settings, *, items: int = 100_000) -> dict[str, Any]:
    """``civic bench marketplace``: the figures as the bench command reports them."""
    figures = await run_marketplace_bench(settings, items=items)
    return {"benchmark": "marketplace", **dataclasses.asdict(figures), "target_p95_ms": 25.0}
