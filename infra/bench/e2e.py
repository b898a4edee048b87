"""``civic bench e2e``: latency from an HTTP command being accepted to its effect being
visible in a read model, at a steady offered load.

A ``civic serve`` process (API, relay, runners) runs on a fresh database and stream;
commands register agencies at the offered rate; a watcher polls the activity log and
notes when each agency's event appears there.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any

import asyncpg

from infra.bench.figures import percentile
from infra.bench.scratch import scratch
from infra.embedded import free_port
from infra.http.auth import mint_token
from infra.settings import Settings

log = logging.getLogger("civic.bench")

POLL_S = 0.002


#: the steady tail one ``civic serve`` must keep in each of consecutive runs
P99_TARGET_MS = 60.0


async def repeated(settings: Settings, *, rate: float, seconds: float,
                   projectors: list[str] | None = None, repeat: int = 1) -> dict[str, Any]:
    """``repeat`` consecutive runs: a steady tail holds in each of them, not on average."""
    if repeat <= 1:
        return await run(settings, rate=rate, seconds=seconds, projectors=projectors)
    runs = [await run(settings, rate=rate, seconds=seconds, projectors=projectors) for _ in range(repeat)]
    worst = max(r["p99_ms"] for r in runs)
    return {"benchmark": "e2e", "offered_per_s": rate, "seconds": seconds, "processes": runs[0]["processes"],
            "repeat": repeat, "p99_ms_each": [r["p99_ms"] for r in runs], "worst_p99_ms": worst,
            "p99_target_ms": P99_TARGET_MS, "runs": runs}


async def run(settings: Settings, *, rate: float, seconds: float,
              projectors: list[str] | None = None) -> dict[str, Any]:
    """``projectors``: ``None`` runs everything in one ``civic serve`` (as in development);
    names run the production shape instead: ``civic serve --api-only``, ``civic relay``
    and ``civic project <names>`` as separate processes."""
    import httpx

    total = int(rate * seconds)
    result: dict[str, Any] = {"benchmark": "e2e", "offered_per_s": rate, "seconds": seconds,
                              "commands": total,
                              "processes": "serve" if not projectors else f"api+relay+project {' '.join(projectors)}"}
    async with scratch(settings, "e2e") as own:
        key = secrets.token_urlsafe(32)
        port = free_port()
        processes = start_marketplace(own, key, port, projectors)
        server = processes[0]
        try:
            headers = {"Authorization": f"Bearer {mint_token(own.with_(signing_key=key), role='admin', sub='bench')}"}
            limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits,
                                         timeout=30) as client:
                await wait_ready(client, server)
                seen: dict[str, float] = {}
                stop = asyncio.Event()
                watcher = asyncio.create_task(_watch(own.database_url, seen, stop))
                try:
                    started = time.monotonic()
                    sent, accepted, failed = await _offer(client, headers, total, rate)
                    offered_for = time.monotonic() - started
                    deadline = time.monotonic() + 30
                    # The watcher fills ``seen`` from the database: polling is the point here.
                    while any(s not in seen for s in accepted) and time.monotonic() < deadline:  # noqa: ASYNC110
                        await asyncio.sleep(0.05)
                finally:
                    stop.set()
                    await watcher
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
    visible = [seen[s] - accepted[s] for s in accepted if s in seen]
    round_trip = [seen[s] - sent[s] for s in accepted if s in seen]
    result.update({
        "accepted": len(accepted), "failed": failed, "not_visible": len(accepted) - len(visible),
        "achieved_per_s": len(accepted) / offered_for,
        "p50_ms": percentile(visible, 50) * 1000, "p95_ms": percentile(visible, 95) * 1000,
        "p99_ms": percentile(visible, 99) * 1000, "max_ms": max(visible, default=0) * 1000,
        "from_sent_p99_ms": percentile(round_trip, 99) * 1000,
    })
    return result


def start_marketplace(own: Settings, key: str, port: int, projectors: list[str] | None,
                      extra_env: dict[str, str] | None = None) -> list[subprocess.Popen[bytes]]:
    """The marketplace's processes, the API first; their output goes to a log file each."""
    env = {**os.environ, "DATABASE_URL": own.database_url or "", "NATS_URL": own.nats_url or "",
           "CIVIC_STREAM": own.stream_name, "CIVIC_SUBJECT_PREFIX": own.subject_prefix,
           "CIVIC_SIGNING_KEY": key, "CIVIC_DATA_DIR": tempfile.mkdtemp(prefix="civic-bench-"),
           "CIVIC_RATE_LIMIT_PER_MINUTE": "100000000",
           # beside any other marketplace on this machine, whose metrics port is the default
           "CIVIC_METRICS_PORT": str(free_port()), **(extra_env or {})}
    commands = {"serve": ["serve", "--port", str(port)]}
    if projectors:
        commands = {"api": ["serve", "--api-only", "--port", str(port)], "relay": ["relay"],
                    "project": ["project", *projectors]}
    log.info("logs of the marketplace's processes: %s", env["CIVIC_DATA_DIR"])
    started = []
    for name, args in commands.items():
        with open(os.path.join(env["CIVIC_DATA_DIR"], f"{name}.log"), "wb") as out:
            started.append(subprocess.Popen([sys.executable, "-m", "infra.cli", *args], env=env,
                                            stdout=out, stderr=subprocess.STDOUT))
    return started


async def wait_ready(client: Any, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("civic serve exited before it was ready")
        try:
            if (await client.get("/ready")).status_code == 200:
                return
        except Exception:  # noqa: BLE001 - not listening yet
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("civic serve did not become ready")


async def _offer(client: Any, headers: dict[str, str], total: int, rate: float
                 ) -> tuple[dict[str, float], dict[str, float], int]:
    """Send ``total`` commands at ``rate`` per second, each on time whatever the others do."""
    import httpx

    run_id = uuid.uuid4().hex[:8]
    sent: dict[str, float] = {}
    accepted: dict[str, float] = {}
    failed = 0

    async def one(i: int) -> None:
        nonlocal failed
        agency_id = f"b{run_id}{i}"
        stream = f"agency-{agency_id}"
        sent[stream] = time.monotonic()
        try:
            response = await client.post("/api/v1/agencies", headers=headers, json={
                "agency_id": agency_id, "name": f"Department {i}", "jurisdiction": "City"})
        except httpx.TransportError as exc:
            log.warning("command %s failed: %r", i, exc)
            failed += 1
            return
        if response.status_code == 201:
            accepted[stream] = time.monotonic()
        else:
            log.warning("command %s: %s %s", i, response.status_code, response.text[:200])
            failed += 1

    start = time.monotonic()
    tasks = []
    for i in range(total):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    return sent, accepted, failed


async def _watch(url: str | None, seen: dict[str, float], stop: asyncio.Event) -> None:
    """Note when each stream's first event becomes visible in the activity log."""
    conn = await asyncpg.connect(url)
    try:
        last_tx, last_pos = 0, 0
        while not stop.is_set():
            rows = await conn.fetch(
                "SELECT transaction_id::text::bigint AS tx, position, stream_id FROM activity_log"
                " WHERE (transaction_id, position) > ($1::text::xid8, $2)"
                " ORDER BY transaction_id, position",
                str(last_tx), last_pos)
            now = time.monotonic()
            for row in rows:
                seen.setdefault(row["stream_id"], now)
            if rows:
                last_tx, last_pos = rows[-1]["tx"], rows[-1]["position"]
            await asyncio.sleep(POLL_S)
    finally:
        await conn.close()
