"""Timing and reporting."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any


async def rate(count: int, run: Callable[[], Awaitable[Any]]) -> float:
    """Events per second of ``run``, which handles ``count`` events."""
    started = time.perf_counter()
    await run()
    return count / (time.perf_counter() - started)


async def latencies_ms(run: Callable[[], Awaitable[Any]], repeat: int) -> list[float]:
    """Milliseconds each of ``repeat`` runs of ``run`` took, after one run to warm up."""
    await run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def cpu_seconds(pool: Any) -> float | None:
    """CPU seconds used so far by this process and by the server backends of ``pool``'s
    database; None when the server's processes are not on this machine to read."""
    pids = [r["pid"] for r in await pool.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND backend_type = 'client backend'")]
    backends = [_server_cpu_seconds(pid) for pid in pids]
    if any(b is None for b in backends):
        return None
    return time.process_time() + sum(b for b in backends if b is not None)


def _server_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a local PostgreSQL process (a /proc read: it does not block)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            name, fields = stat.read().split(" (", 1)[1].rsplit(")", 1)
    except OSError:
        return None
    if not name.startswith("postgres"):  # another machine's process id
        return None
    utime, stime = fields.split()[11:13]
    return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")


def report(result: dict[str, Any], as_json: bool) -> None:
    """One JSON object per benchmark with --json; readable lines otherwise."""
    if as_json:
        print(json.dumps(result), flush=True)
        return
    print(f"== {result['benchmark']}")
    for key, value in result.items():
        if key == "benchmark":
            continue
        shown = f"{value:,.1f}" if isinstance(value, float) else value
        print(f"  {key:36} {shown}")
