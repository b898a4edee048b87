"""``civic bench notify``: one new opportunity fanned out to 10,000 following vendors.

On a database and stream of its own: 10,000 vendors following one commodity code are
loaded into the notifications read model (not timed), then one ``SolicitationPublished``
is appended and the marketplace runs as ``civic serve`` does (relay, runner, sender). The
figure is the time from the append until the local SMTP server (aiosmtpd) has accepted
the last of the 10,000 mails, beside the ceiling measured in the same run: the same
number of messages, already built, sent straight with the same client over the same
number of connections. Meanwhile a client sends commands through the HTTP API; their
latency is reported beside the same commands on an idle marketplace.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from events.agencies import AgencyRegistered
from events.base import Metadata
from events.solicitations import CommodityFollowed, SolicitationPublished
from events.vendors import Address, Contact, VendorRegistered
from infra import db
from infra.bench.figures import percentile
from infra.bench.scratch import scratch
from infra.eventstore import Position, RecordedEvent
from infra.http.app import create_app
from infra.http.auth import mint_token
from infra.postgres_store import PostgresEventStore
from infra.settings import Settings
from infra.smtp_server import SmtpServer
from services.notifications.mail import SmtpTransport, build_message
from services.notifications.readmodel import OutboxProjection
from services.notifications.senders import CONNECTIONS
from services.notifications.settings import NotificationSettings, smtp_target
from services.notifications.templates import render

CODE = "72101500"


def _recorded(event: Any, n: int, at: datetime) -> RecordedEvent:
    return RecordedEvent(event_id=f"bench-{n}", stream_id=f"bench-{n}", version=1, position=Position(0, n),
                         type="", event=event, metadata=Metadata(occurred_at=at), recorded_at=at)


async def _load_followers(url: str, vendors: int, at: datetime) -> None:
    pool = await db.create_pool(url, min_size=1, max_size=2)
    try:
        projection = OutboxProjection()
        address = Address(line1="1 Main St", city="Springfield", state="IL", zip="62701")
        n = 0
        async with pool.acquire() as conn, conn.transaction():
            await projection.apply(conn, [_recorded(AgencyRegistered(
                agency_id="ag_bench", name="City of Springfield", jurisdiction="US-IL"), 0, at)])
            batch: list[RecordedEvent] = []
            for i in range(vendors):
                vendor_id = f"v_bench{i:05d}"
                batch.append(_recorded(VendorRegistered(
                    vendor_id=vendor_id, owner=f"owner{i:05d}", legal_name=f"Vendor {i} LLC", tax_id="12-3456789",
                    address=address, contacts=[Contact(name="Pat", email=f"pat{i:05d}@vendors.example")],
                    employees=5, revenue_band="under_1m"), n := n + 1, at))
                batch.append(_recorded(CommodityFollowed(vendor_id=vendor_id, commodity_code=CODE), n := n + 1, at))
            await projection.apply(conn, batch)
    finally:
        await pool.close()


async def _ceiling(server: SmtpServer, count: int, config: NotificationSettings, at: datetime) -> float:
    """Seconds to send ``count`` ready messages straight, over ``CONNECTIONS`` connections."""
    values = {"agency": "City of Springfield", "title": "Road salt", "solicitation_type": "ITB",
              "solicitation_id": "sol_bench", "codes": CODE, "deadline": "soon"}
    messages = []
    for i in range(count):
        rendered = render("opportunity", values, "en", link=f"{config.public_url}/solicitations/sol_bench",
                          unsubscribe=f"{config.public_url}/api/v1/unsubscribe/token{i}")
        messages.append(build_message(notice_id=f"ceiling:{i}", mail_from=config.mail_from,
                                      to=f"pat{i:05d}@vendors.example", rendered=rendered, language="en",
                                      sent_at=at, unsubscribe_url=f"{config.public_url}/api/v1/unsubscribe/t{i}"))
    transports = [SmtpTransport(smtp_target(server.url)) for _ in range(CONNECTIONS)]
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for message in messages:
        queue.put_nowait(message)

    async def send(transport: SmtpTransport) -> None:
        while not queue.empty():
            await transport.send(queue.get_nowait())

    started = time.perf_counter()
    await asyncio.gather(*(send(t) for t in transports))
    elapsed = time.perf_counter() - started
    for transport in transports:
        await transport.close()
    return elapsed


async def _commands(client: AsyncTestClient, headers: dict[str, str], until: asyncio.Event | None,
                    count: int) -> list[float]:
    """Latencies (ms) of preference commands through HTTP, one after another."""
    latencies: list[float] = []
    i = 0
    while (until is None and i < count) or (until is not None and not until.is_set()):
        body = {"language": "en", "modes": {"opportunity": "digest" if i % 2 else "instant"}}
        started = time.perf_counter()
        answer = await client.put("/api/v1/me/notification-preferences", json=body, headers=headers)
        latencies.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.text
        i += 1
    return latencies


def _summary(latencies: list[float]) -> dict[str, float]:
    return {"p50": round(statistics.median(latencies), 2), "p99": round(percentile(latencies, 99), 2)}


async def run(settings: Settings, *, vendors: int = 10_000) -> dict[str, Any]:
    at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="civic-bench-notify-") as folder:
        server = SmtpServer(Path(folder) / "mail").start()
        try:
            async with scratch(settings, "notify") as own:
                own = own.with_(data_dir=Path(folder), dev_clock=False,
                                rate_limit_per_minute=10_000_000,
                                extra={**own.extra, "CIVIC_SMTP_URL": server.url, "CIVIC_MAIL_BATCH": "500"})
                config = NotificationSettings.of(own)
                ceiling_s = await _ceiling(server, vendors, config, at)
                await _load_followers(own.database_url or "", vendors, at)
                before = server.received
                app = create_app(own, workers=True)
                async with AsyncTestClient(app=app, timeout=60) as client:
                    headers = {"Authorization": "Bearer " + mint_token(own, role="buyer", sub="bench-buyer",
                                                                       agency="ag_bench")}
                    idle = await _commands(client, headers, None, 200)
                    # The app runs on the client's own loop: this loop appends through a pool of its own.
                    pool = await db.create_pool(own.database_url or "", min_size=1, max_size=2)
                    store = PostgresEventStore(pool)
                    done = asyncio.Event()
                    loaded = asyncio.ensure_future(_commands(client, headers, done, 0))
                    started = time.perf_counter()
                    publish = SolicitationPublished(
                        solicitation_id=f"sol_{uuid.uuid4().hex[:8]}", agency_id="ag_bench", published_at=at,
                        submission_deadline=at + timedelta(days=30), solicitation_type="ITB", title="Road salt",
                        commodity_codes=[CODE])
                    await store.append(f"solicitation-{publish.solicitation_id}", 0, [publish],
                                       Metadata(occurred_at=at))
                    deadline = time.monotonic() + 600
                    while server.received - before < vendors and time.monotonic() < deadline:  # noqa: ASYNC110 - polls a counter of another thread
                        await asyncio.sleep(0.01)
                    fanout_s = time.perf_counter() - started
                    done.set()
                    during = await loaded
                    await pool.close()
                    delivered = server.received - before
        finally:
            with contextlib.suppress(Exception):
                server.stop()
    return {
        "benchmark": "notify",
        "vendors": vendors,
        "delivered": delivered,
        "fanout_seconds": round(fanout_s, 2),
        "fanout_mails_per_s": round(delivered / fanout_s, 1),
        "ceiling_seconds": round(ceiling_s, 2),
        "ceiling_mails_per_s": round(vendors / ceiling_s, 1),
        "ratio_to_ceiling": round(ceiling_s / fanout_s, 3),
        "target_ratio": 0.5,
        "smtp_connections": CONNECTIONS,
        "command_latency_idle_ms": _summary(idle),
        "command_latency_during_fanout_ms": _summary(during),
        "commands_during_fanout": len(during),
    }
