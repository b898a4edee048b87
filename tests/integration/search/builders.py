"""Events of the contexts the read models follow, built with the real event classes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from events.agencies import AgencyRegistered, DiversityGoal
from events.base import Event, Metadata, Money
from events.solicitations import (
    AddendumPublished,
    SolicitationAwarded,
    SolicitationClosed,
    SolicitationCreated,
    SolicitationPublished,
)
from events.vendors import (
    Address,
    CertificationAdded,
    CertificationExpired,
    CertificationVerified,
    VendorApproved,
    VendorRegistered,
)
from infra.container import Civic
from infra.eventstore import EventStore
from infra.runner import Runner
from tests.support import eventually

PROJECT_ROOT = Path(__file__).resolve().parents[3]


async def append(store: EventStore, stream: str, events: list[Event], at: datetime) -> None:
    await store.append(stream, None, events, Metadata(occurred_at=at, actor="test"))


async def settled(civic: Civic) -> None:
    """Wait until every stored event is visible to readers of the global order (a transaction
    still running anywhere on the server holds back what readers may see)."""

    async def visible() -> bool:
        return await civic.pool.fetchval(
            "SELECT count(*) = 0 FROM events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())")

    await eventually(visible, timeout=120, interval=0.1, what="all events visible")


async def project(civic: Civic, projection: object) -> Runner:
    """Apply every stored event to ``projection`` through the runner."""
    runner = Runner(projection, civic.store, civic.settings)  # type: ignore[arg-type]
    await settled(civic)
    await runner.catch_up()
    assert await civic.store.count_after(await runner.checkpoint()) == 0
    return runner


def agency(agency_id: str, name: str, goals: dict[str, float] | None = None) -> AgencyRegistered:
    return AgencyRegistered(agency_id=agency_id, name=name, jurisdiction="US-WA",
                            goals=[DiversityGoal(program=p, percent=v) for p, v in (goals or {}).items()])


def solicitation(sid: str, agency_id: str, title: str, *, description: str = "", kind: str = "RFP",
                 codes: tuple[str, ...] = ("72141100",), value: int = 100_000_00,
                 set_aside: str | None = None, deadline: datetime, time_zone: str = "UTC") -> SolicitationCreated:
    return SolicitationCreated(
        solicitation_id=sid, agency_id=agency_id, solicitation_type=kind, title=title,
        description=description, commodity_codes=list(codes), estimated_value=Money(amount=value, currency="USD"),
        method="open", set_aside=set_aside, submission_deadline=deadline,
        questions_deadline=deadline - timedelta(days=1), opening_time=deadline + timedelta(hours=1),
        time_zone=time_zone,
    )


def published(created: SolicitationCreated, at: datetime) -> SolicitationPublished:
    return SolicitationPublished(solicitation_id=created.solicitation_id, agency_id=created.agency_id,
                                 published_at=at, submission_deadline=created.submission_deadline)


def addendum(sid: str, number: int, summary: str, changes: str, deadline: datetime) -> AddendumPublished:
    return AddendumPublished(solicitation_id=sid, number=number, summary=summary, changes=changes,
                             submission_deadline=deadline)


def closed(sid: str, at: datetime) -> SolicitationClosed:
    return SolicitationClosed(solicitation_id=sid, closed_at=at)


def awarded(sid: str) -> SolicitationAwarded:
    return SolicitationAwarded(solicitation_id=sid)


def vendor(vendor_id: str, name: str, *, city: str = "Seattle", state: str = "WA", zip_code: str = "98101",
           codes: tuple[str, ...] = ("72141100",), tax_id: str = "12-3456789") -> VendorRegistered:
    return VendorRegistered(
        vendor_id=vendor_id, owner=f"user-{vendor_id}", legal_name=name, tax_id=tax_id,
        address=Address(line1="1 Private Street", city=city, state=state, zip=zip_code),
        employees=12, revenue_band="1M-5M", commodity_codes=list(codes),
    )


def approved(vendor_id: str, at: datetime, years: int = 2) -> VendorApproved:
    return VendorApproved(vendor_id=vendor_id, approved_at=at, expires_at=at + timedelta(days=365 * years))


def certification(vendor_id: str, cert_id: str, program: str, effective: date, expiry: date) -> CertificationAdded:
    return CertificationAdded(vendor_id=vendor_id, cert_id=cert_id, program=program, issuing_body="State OMWBE",
                              number=f"N-{cert_id}", effective_date=effective, expiry_date=expiry)


def verified(vendor_id: str, cert_id: str, at: datetime) -> CertificationVerified:
    return CertificationVerified(vendor_id=vendor_id, cert_id=cert_id, verified_at=at)


def cert_expired(vendor_id: str, cert_id: str) -> CertificationExpired:
    return CertificationExpired(vendor_id=vendor_id, cert_id=cert_id)


async def snapshot(civic: Civic, tables: tuple[str, ...] | list[str]) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order: two equal snapshots are equal read models."""
    found: dict[str, list[tuple[object, ...]]] = {}
    async with civic.pool.acquire() as conn:
        for table in tables:
            rows = await conn.fetch(f"SELECT * FROM {table}")
            found[table] = sorted(tuple(str(v) for v in row.values()) for row in rows)
    return found


async def replay_checks(civic: Civic, projection: object) -> None:
    """Each event applied twice — directly and through the runner — changes nothing the second
    time, and a rebuild equals the live read model."""
    tables = list(projection.tables)  # type: ignore[attr-defined]
    runner = await project(civic, projection)
    live = await snapshot(civic, tables)
    assert any(live.values()), "the scenario should fill the read model"

    # through the runner: the checkpoint lost, every event is delivered again
    await civic.pool.execute(
        "UPDATE projection_checkpoints SET transaction_id = '0', position = 0 WHERE name = $1", runner.name)
    assert await runner.catch_up() > 0
    assert await snapshot(civic, tables) == live

    # directly: every event on its own, twice in a row, and the whole history once more
    stored = await civic.store.read_all(limit=100_000)
    wanted = [e for e in stored if e.type in projection.types]  # type: ignore[attr-defined]
    async with civic.pool.acquire() as conn:
        for event in wanted:
            before = await snapshot(civic, tables)
            async with conn.transaction():
                await projection.apply(conn, [event, event])  # type: ignore[attr-defined]
            assert await snapshot(civic, tables) == before, f"{event.type} applied again changed the model"
        async with conn.transaction():
            await projection.apply(conn, wanted)  # type: ignore[attr-defined]
    assert await snapshot(civic, tables) == live

    await runner.rebuild()
    assert await snapshot(civic, tables) == live


async def batch_equals_one_by_one(civic: Civic, projection: object) -> None:
    """The read model the runner builds from the stored events in batches equals the one built
    by applying them one at a time."""
    tables = list(projection.tables)  # type: ignore[attr-defined]
    await project(civic, projection)
    stored = [e for e in await civic.store.read_all(limit=100_000) if e.type in projection.types]  # type: ignore[attr-defined]
    batch = await snapshot(civic, tables)
    async with civic.pool.acquire() as conn, conn.transaction():
        await conn.execute(f"TRUNCATE {', '.join(tables)}")
        for event in stored:
            await projection.apply(conn, [event])  # type: ignore[attr-defined]
    assert await snapshot(civic, tables) == batch


async def rebuild_with_cli(civic: Civic, projection: str) -> str:
    """``civic rebuild <projection>`` against the test's database, as an operator runs it."""
    import asyncio
    import os
    import sys

    env = {**os.environ, "DATABASE_URL": civic.settings.database_url or "",
           "NATS_URL": civic.settings.nats_url or "", "CIVIC_STREAM": civic.settings.stream_name,
           "CIVIC_SUBJECT_PREFIX": civic.settings.subject_prefix, "COLUMNS": "120"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "infra.cli", "rebuild", projection, env=env,
        cwd=PROJECT_ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), 180)
    text = output.decode()
    assert process.returncode == 0, text
    return text
