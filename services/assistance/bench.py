"""``civic bench matching``: how well and how fast matching works, measured, not claimed.

Quality: the labelled set of ``evalset.py`` goes through the real projection (embeddings
included) into a scratch database; every vendor asks for its opportunities and every
solicitation for its vendors, with the full model and with the lexical baseline in the
same run: recall@10 and mean reciprocal rank for each. A bias check compares the share of
certified and of local vendors among suggestions with their share among eligible vendors.

Speed: 100,000 vendors and 10,000 open solicitations with synthetic vectors (their content
does not change the cost) are loaded straight into the read model, and both matching
lists are timed with their recording on the record, beside the cost of the coarse matrix
pass alone; and the time to embed one new vendor or solicitation in the projection.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import numpy as np

from events.agencies import AgencyRegistered
from events.base import Event, Metadata, Money, tag_of
from events.solicitations import SolicitationCreated, SolicitationPublished
from events.vendors import (
    Address,
    CertificationAdded,
    CertificationVerified,
    VendorApproved,
    VendorRegistered,
)
from infra.bench.figures import percentile
from infra.bench.scratch import scratch
from infra.clock import Clock
from infra.db import Connection
from infra.eventstore import Position, RecordedEvent
from infra.executor import Executor
from infra.postgres_store import PostgresEventStore
from infra.settings import Settings
from kernel.context import Actor
from services.assistance import evalset, ranking, scoring
from services.assistance.assistant import Assistant
from services.assistance.embedding import DIMENSIONS, encoder
from services.assistance.index import Indexes
from services.assistance.readmodel import AssistanceProjection

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
AGENCY = "ev-agency"


def _recorded(events: Sequence[Event]) -> list[RecordedEvent]:
    meta = Metadata(occurred_at=NOW)
    return [RecordedEvent(event_id=str(uuid.uuid4()), stream_id="bench", version=i + 1, position=Position(1, i + 1),
                          type=tag_of(type(e)), event=e, metadata=meta, recorded_at=NOW)
            for i, e in enumerate(events)]


def _events(vendors: list[evalset.EvalVendor], solicitations: list[evalset.EvalSolicitation]) -> list[Event]:
    out: list[Event] = [AgencyRegistered(agency_id=AGENCY, name="Evaluation City", jurisdiction="US-TX")]
    for v in vendors:
        out.append(VendorRegistered(
            vendor_id=v.vendor_id, owner=f"u-{v.vendor_id}", legal_name=v.legal_name, tax_id="00-0000000",
            address=Address(line1="1 Main St", city="Austin", state="TX", zip="78701"), employees=10,
            revenue_band="small", commodity_codes=list(v.commodity_codes),
            local_agencies=[AGENCY] if v.local else [], capability_statement=v.capability))
        out.append(VendorApproved(vendor_id=v.vendor_id, approved_at=NOW, expires_at=NOW + timedelta(days=365)))
        if v.program:
            out.append(CertificationAdded(vendor_id=v.vendor_id, cert_id=f"c-{v.vendor_id}", program=v.program,
                                          issuing_body="State", number="1", effective_date=date(2025, 1, 1),
                                          expiry_date=date(2028, 1, 1)))
            out.append(CertificationVerified(vendor_id=v.vendor_id, cert_id=f"c-{v.vendor_id}", verified_at=NOW))
    for s in solicitations:
        deadline = NOW + timedelta(days=30)
        out.append(SolicitationCreated(
            solicitation_id=s.solicitation_id, agency_id=AGENCY, solicitation_type="RFP", title=s.title,
            description=s.description, commodity_codes=list(s.commodity_codes),
            estimated_value=Money(amount=100_000_00, currency="USD"), method="open",
            submission_deadline=deadline, questions_deadline=deadline - timedelta(days=10),
            opening_time=deadline + timedelta(seconds=30)))
        out.append(SolicitationPublished(solicitation_id=s.solicitation_id, agency_id=AGENCY, published_at=NOW,
                                         submission_deadline=deadline))
    return out


def _quality(found: list[list[str]], relevant: list[set[str]]) -> dict[str, float]:
    recalls, reciprocal = [], []
    for ranked, wanted in zip(found, relevant, strict=True):
        top = ranked[:10]
        recalls.append(len(wanted & set(top)) / min(10, len(wanted)))
        reciprocal.append(next((1 / (i + 1) for i, item in enumerate(top) if item in wanted), 0.0))
    return {"recall_at_10": round(float(np.mean(recalls)), 4), "mrr": round(float(np.mean(reciprocal)), 4)}


async def quality(conn: Connection) -> dict[str, Any]:
    vendors, solicitations = evalset.generate()
    async with conn.transaction():
        await AssistanceProjection().apply(conn, _recorded(_events(vendors, solicitations)))
    by_category_s = {c: {s.solicitation_id for s in solicitations if s.category == c} for c in range(len(evalset.CATEGORIES))}
    by_category_v = {c: {v.vendor_id for v in vendors if v.category == c} for c in range(len(evalset.CATEGORIES))}
    result: dict[str, Any] = {"vendors": len(vendors), "solicitations": len(solicitations)}
    shown: list[str] = []
    for model in (scoring.SEMANTIC, scoring.LEXICAL):
        indexes = Indexes()
        opportunities = [[i.item_id for i in (await ranking.opportunities(
            conn, indexes, v.vendor_id, NOW, model=model, limit=10)).items] for v in vendors]
        suggested = [[i.item_id for i in (await ranking.suggested_vendors(
            conn, indexes, s.solicitation_id, NOW, model=model, limit=10)).items] for s in solicitations]
        result[f"{model.name}.vendor_to_opportunity"] = _quality(opportunities, [by_category_s[v.category] for v in vendors])
        result[f"{model.name}.solicitation_to_vendor"] = _quality(suggested, [by_category_v[s.category] for s in solicitations])
        if model is scoring.SEMANTIC:
            shown = [vid for ranked in suggested for vid in ranked]
    certified = {v.vendor_id for v in vendors if v.program}
    local = {v.vendor_id for v in vendors if v.local}
    result["bias.certified_share_eligible"] = round(len(certified) / len(vendors), 4)
    result["bias.certified_share_suggested"] = round(sum(v in certified for v in shown) / max(1, len(shown)), 4)
    result["bias.local_share_eligible"] = round(len(local) / len(vendors), 4)
    result["bias.local_share_suggested"] = round(sum(v in local for v in shown) / max(1, len(shown)), 4)
    return result


def _synthetic_vectors(count: int, centers: np.ndarray, rnd: np.random.Generator) -> np.ndarray:
    picks = centers[rnd.integers(0, len(centers), count)]
    vectors = picks + 0.5 * rnd.standard_normal((count, DIMENSIONS)).astype(np.float32)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype("<f4")


async def load_scale(conn: Connection, vendors: int, solicitations: int) -> None:
    rnd = np.random.default_rng(7)
    centers = rnd.standard_normal((300, DIMENSIONS)).astype(np.float32)
    codes = [f"{72100000 + 10000 * (i % 40) + 100 * (i // 40):08d}" for i in range(400)]
    v_vectors = _synthetic_vectors(vendors, centers, rnd)
    await conn.copy_records_to_table("assist_vendors", columns=[
        "vendor_id", "legal_name", "status", "state", "commodity_codes", "capability", "users", "embedding"],
        records=[(f"sv{i:06d}", f"Vendor {i}", "approved", "TX", [codes[i % 400]], "scale vendor", [f"u{i}"],
                  v_vectors[i].tobytes()) for i in range(vendors)])
    s_vectors = _synthetic_vectors(solicitations, centers, rnd)
    deadline = NOW + timedelta(days=30)
    await conn.copy_records_to_table("assist_solicitations", columns=[
        "solicitation_id", "agency_id", "solicitation_type", "title", "description", "commodity_codes",
        "status", "published_at", "submission_deadline", "embedding"],
        records=[(f"ss{i:05d}", AGENCY, "RFP", f"Need {i}", "scale solicitation", [codes[(i * 7) % 400]],
                  "published", NOW, deadline, s_vectors[i].tobytes()) for i in range(solicitations)])
    await conn.execute("INSERT INTO assist_agencies VALUES ($1, 'Evaluation City', 'US-TX') ON CONFLICT DO NOTHING",
                       AGENCY)
    await conn.execute("ANALYZE")


async def speed(pool: asyncpg.Pool, vendors: int, solicitations: int, samples: int) -> dict[str, Any]:
    async with pool.acquire() as conn:
        await load_scale(conn, vendors, solicitations)
    assistant = Assistant()
    executor = Executor(PostgresEventStore(pool), Clock())
    actor = Actor(sub="bench", role="admin")
    started = time.perf_counter()
    async with pool.acquire() as conn:
        await assistant.indexes.refresh(conn)
    warm_up = time.perf_counter() - started
    rnd = np.random.default_rng(3)
    timings: dict[str, list[float]] = {"opportunities": [], "suggested_vendors": [], "coarse_pass": []}
    for i in range(samples):
        vid, sid = f"sv{int(rnd.integers(vendors)):06d}", f"ss{int(rnd.integers(solicitations)):05d}"
        t0 = time.perf_counter()
        async with pool.acquire() as conn:
            ranked = await ranking.opportunities(conn, assistant.indexes, vid, NOW)
        await assistant.record(executor, actor, ranked, list_kind="opportunities", subject_id=vid, agency_id=None,
                               model=scoring.SEMANTIC)
        t1 = time.perf_counter()
        async with pool.acquire() as conn:
            ranked = await ranking.suggested_vendors(conn, assistant.indexes, sid, NOW)
        await assistant.record(executor, actor, ranked, list_kind="vendors", subject_id=sid, agency_id=AGENCY,
                               model=scoring.SEMANTIC)
        t2 = time.perf_counter()
        index = assistant.indexes.vendors
        np.argpartition(-(index.matrix @ index.matrix[i % len(index)]), 200)
        t3 = time.perf_counter()
        timings["opportunities"].append(t1 - t0)
        timings["suggested_vendors"].append(t2 - t1)
        timings["coarse_pass"].append(t3 - t2)
    out: dict[str, Any] = {"scale.vendors": vendors, "scale.open_solicitations": solicitations,
                           "scale.index_load_s": round(warm_up, 2)}
    for name, values in timings.items():
        out[f"{name}.p50_ms"] = round(percentile(values, 50) * 1000, 2)
        out[f"{name}.p95_ms"] = round(percentile(values, 95) * 1000, 2)
    return out


def embedding_speed(samples: int = 60) -> dict[str, Any]:
    vendors, solicitations = evalset.generate(seed=5)
    model = encoder()
    model.embed_one("warm up")
    timings: dict[str, list[float]] = {"vendor": [], "solicitation": []}
    for v, s in zip(vendors[:samples], solicitations * 3, strict=False):
        for kind, text in (("vendor", v.capability), ("solicitation", f"{s.title}\n{s.description}")):
            t0 = time.perf_counter()
            model.embed_one(text)
            timings[kind].append(time.perf_counter() - t0)
    return {f"embed_{k}.p95_ms": round(percentile(v, 95) * 1000, 2) for k, v in timings.items()}


async def run(settings: Settings, *, vendors: int = 100_000, solicitations: int = 10_000,
              samples: int = 200) -> dict[str, Any]:
    result: dict[str, Any] = {"benchmark": "matching", "model": f"{scoring.SEMANTIC.name} ({encoder().version})"}
    async with scratch(settings, "matching") as own:
        conn = await asyncpg.connect(own.database_url)
        try:
            result.update(await quality(conn))
        finally:
            await conn.close()
    result["targets.recall_at_10"] = ">= 0.8 and >= lexical + 0.15"
    result.update(embedding_speed())
    async with scratch(settings, "matching_scale") as own:
        pool = await asyncpg.create_pool(own.database_url, min_size=2, max_size=4)
        try:
            result.update(await speed(pool, vendors, solicitations, samples))
        finally:
            await pool.close()
    result["targets.latency"] = "p95 <= 50 ms per list and per embedding"
    return result
