"""Timing and reporting."""

from __future__ import annotations

import json
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
