"""``civic bench notify``: one new opportunity fanned out to 10,000 following vendors.

On a database and stream of its own: 10,000 vendors following one commodity code are
loaded into the notifications read model (not timed), then a ``civic serve`` process
(API, relay, runners, sender) is started against the bench's SMTP server (aiosmtpd, in
this process) and one ``SolicitationPublished`` is appended. The figure is the time from
the append until the SMTP server has accepted the last of the 10,000 mails, beside the
ceiling measured in the same run: the same number of messages, already built, sent
straight with the same client over the same number of connections, from a process of its
own as the sender is (client and server never share an interpreter). Meanwhile a client
sends commands through the HTTP API; their latency is reported beside the same commands
on the idle marketplace.

The marketplace runs as a real process on real sockets: an in-process test client would
call the app synchronously from this loop, so the loop that watches the SMTP server and
ends the load would never run (that is how an earlier version of this bench hung).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from events.agencies import AgencyRegistered
from events.base import Metadata
from events.solicitations import CommodityFollowed, SolicitationPublished
from events.vendors import Address, Contact, VendorRegistered
from infra import db
from infra.bench.e2e import start_marketplace, wait_ready
from infra.bench.figures import percentile
from infra.bench.scratch import scratch
from infra.embedded import free_port
from infra.eventstore import Position, RecordedEvent
from infra.http.auth import mint_token
from infra.postgres_store import PostgresEventStore
from infra.settings import Settings
from infra.smtp_server import SmtpServer
from services.notifications.mail import SmtpTransport, build_message
from services.notifications.readmodel import OutboxProjection
from services.notifications.senders import CONNECTIONS
from services.notifications.settings import smtp_target
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


#: the API's own load while the mail goes out: a steady trickle of commands, as users
#: keep working during a fan-out (a closed loop would measure a fight for the CPU instead)
COMMANDS_PER_S = 10
PUBLIC_URL = "http://civic.localhost"
MAIL_FROM = "Civic Marketplace <notices@civic.localhost>"


async def send_straight(url: str, count: int, connections: int) -> float:
    """Seconds to send ``count`` ready messages straight over ``connections`` connections."""
    at = datetime.now(UTC)
    values = {"agency": "City of Springfield", "title": "Road salt", "solicitation_type": "ITB",
              "solicitation_id": "sol_bench", "codes": CODE, "deadline": "soon"}
    queue: asyncio.Queue[Any] = asyncio.Queue()
    run = uuid.uuid4().hex[:8]
    for i in range(count):
        unsubscribe = f"{PUBLIC_URL}/api/v1/unsubscribe/token{i}"
        rendered = render("opportunity", values, "en", link=f"{PUBLIC_URL}/solicitations/sol_bench",
                          unsubscribe=unsubscribe)
        queue.put_nowait(build_message(notice_id=f"ceiling:{run}:{i}", mail_from=MAIL_FROM,
                                       to=f"pat{i:05d}@vendors.example", rendered=rendered, language="en",
                                       sent_at=at, unsubscribe_url=unsubscribe))
    transports = [SmtpTransport(smtp_target(url)) for _ in range(connections)]

    async def send(transport: SmtpTransport) -> None:
        while not queue.empty():
            await transport.send(queue.get_nowait())

    started = time.perf_counter()
    await asyncio.gather(*(send(t) for t in transports))
    elapsed = time.perf_counter() - started
    for transport in transports:
        await transport.close()
    return elapsed


def _ceiling(url: str, count: int, connections: int) -> float:
    """``send_straight`` in a process of its own, as the marketplace's sender is."""
    out = subprocess.run([sys.executable, "-m", "services.notifications.bench", url, str(count), str(connections)],
                         check=True, capture_output=True, text=True, timeout=900)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])


async def _commands(client: httpx.AsyncClient, users: list[dict[str, str]], until: asyncio.Event | None,
                    count: int) -> list[float]:
    """Latencies (ms) of preference commands through HTTP, offered at ``COMMANDS_PER_S``
    (one after another when one takes longer than the interval), each by the next of
    ``users`` (headers), so that no profile's stream grows long over the run."""
    latencies: list[float] = []
    i = 0
    next_at = time.perf_counter()
    while (until is None and i < count) or (until is not None and not until.is_set()):
        body = {"language": "en", "modes": {"opportunity": "digest" if i % 2 else "instant"}}
        started = time.perf_counter()
        answer = await client.put("/api/v1/me/notification-preferences", json=body, headers=users[i % len(users)])
        latencies.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"a command failed during the bench: {answer.status_code} {answer.text[:300]}")
        i += 1
        next_at = max(next_at + 1 / COMMANDS_PER_S, time.perf_counter())
        if until is None:
            await asyncio.sleep(next_at - time.perf_counter())
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(until.wait(), next_at - time.perf_counter())
    return latencies


def _summary(latencies: list[float]) -> dict[str, float]:
    return {"p50": round(statistics.median(latencies), 2), "p99": round(percentile(latencies, 99), 2)}


async def run(settings: Settings, *, vendors: int = 10_000, timeout_s: float = 600) -> dict[str, Any]:
    at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="civic-bench-notify-") as folder:
        server = SmtpServer(Path(folder) / "mail").start()
        try:
            ceiling_s = await asyncio.to_thread(_ceiling, server.url, vendors, CONNECTIONS)
            async with scratch(settings, "notify") as own:
                await _load_followers(own.database_url or "", vendors, at)
                key, port = secrets.token_urlsafe(32), free_port()
                before = server.received
                [marketplace] = start_marketplace(own, key, port, None, {
                    "CIVIC_SMTP_URL": server.url, "CIVIC_PUBLIC_URL": PUBLIC_URL, "CIVIC_MAIL_FROM": MAIL_FROM})
                try:
                    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                        await wait_ready(client, marketplace)
                        signing = own.with_(signing_key=key)
                        users = [{"Authorization": "Bearer " + mint_token(
                            signing, role="buyer", sub=f"bench-buyer{i}", agency="ag_bench")} for i in range(500)]
                        await _commands(client, users, None, 20)  # warm up
                        idle = await _commands(client, users, None, 10 * COMMANDS_PER_S)
                        fanout_s, first_s, delivered, during = await _fan_out(own, client, users, server, before,
                                                                     vendors, at, timeout_s)
                finally:
                    marketplace.terminate()
                    try:
                        marketplace.wait(15)
                    except subprocess.TimeoutExpired:
                        marketplace.kill()
        finally:
            with contextlib.suppress(Exception):
                server.stop()
    return {
        "benchmark": "notify",
        "vendors": vendors,
        "delivered": delivered,
        "fanout_seconds": round(fanout_s, 2),
        "fanout_mails_per_s": round(delivered / fanout_s, 1),
        # the append, the relay and the outbox projection deciding 10,000 notices
        "first_mail_seconds": round(first_s, 2),
        "ceiling_seconds": round(ceiling_s, 2),
        "ceiling_mails_per_s": round(vendors / ceiling_s, 1),
        "ratio_to_ceiling": round(ceiling_s / fanout_s, 3) if delivered >= vendors else 0.0,
        "target_ratio": 0.5,
        "smtp_connections": CONNECTIONS,
        "command_latency_idle_ms": _summary(idle),
        "command_latency_during_fanout_ms": _summary(during),
        "commands_per_s": COMMANDS_PER_S,
        "commands_during_fanout": len(during),
    }


async def _fan_out(own: Settings, client: httpx.AsyncClient, users: list[dict[str, str]], server: SmtpServer,
                   before: int, vendors: int, at: datetime, timeout_s: float) -> tuple[float, float, int, list[float]]:
    """Append the publication, offer commands until the last mail is accepted; (seconds,
    seconds until the first mail, mails accepted, command latencies meanwhile)."""
    pool = await db.create_pool(own.database_url or "", min_size=1, max_size=2)
    try:
        store = PostgresEventStore(pool)
        done = asyncio.Event()
        load = asyncio.create_task(_commands(client, users, done, 0))
        publish = SolicitationPublished(
            solicitation_id=f"sol_{uuid.uuid4().hex[:8]}", agency_id="ag_bench", published_at=at,
            submission_deadline=at + timedelta(days=30), solicitation_type="ITB", title="Road salt",
            commodity_codes=[CODE])
        started = time.perf_counter()
        await store.append(f"solicitation-{publish.solicitation_id}", 0, [publish], Metadata(occurred_at=at))
        deadline = time.monotonic() + timeout_s
        first_s = None
        # the SMTP server counts in a thread of its own: polling its counter is the point
        while server.received - before < vendors and time.monotonic() < deadline and not load.done():  # noqa: ASYNC110
            if first_s is None and server.received > before:
                first_s = time.perf_counter() - started
            await asyncio.sleep(0.01)
        fanout_s = time.perf_counter() - started
        done.set()
        during = await load
        return fanout_s, first_s or fanout_s, server.received - before, during
    finally:
        await pool.close()


if __name__ == "__main__":  # the ceiling's own process: URL COUNT CONNECTIONS
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("count", type=int)
    parser.add_argument("connections", type=int)
    args = parser.parse_args()
    print(json.dumps({"seconds": asyncio.run(send_straight(args.url, args.count, args.connections))}))
