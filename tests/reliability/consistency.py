"""After a fault run: are the read models what the event store says, and is every
accepted command in the store exactly once?"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from infra.container import Civic


async def wait_caught_up(civic: Civic, *, max_wait: float) -> None:
    """Until every projection's and reactor's checkpoint reaches the head of the store."""
    deadline = time.monotonic() + max_wait
    names = [h.name for h in [*civic.projections(), *civic.reactors()]]
    while True:
        head = await civic.store.head()
        behind = [n for n in names if await civic.runner_for(n).checkpoint() < head]
        if not behind:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not caught up after {max_wait}s: {behind}")
        await asyncio.sleep(0.25)


async def _comparable_columns(conn: Any, table: str) -> list[str]:
    """Columns except generated counters: a rebuild draws new numbers from a sequence."""
    rows = await conn.fetch(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = $1"
        "   AND is_identity = 'NO' AND coalesce(column_default, '') NOT LIKE 'nextval(%'"
        " ORDER BY ordinal_position", table)
    return [r["column_name"] for r in rows]


async def snapshot(civic: Civic, tables: Sequence[str]) -> dict[str, list[str]]:
    """Every row of the tables as canonical JSON text, sorted."""
    found: dict[str, list[str]] = {}
    async with civic.pool.acquire() as conn:
        for table in tables:
            columns = await _comparable_columns(conn, table)
            select = ", ".join(f'"{c}"' for c in columns)
            rows = await conn.fetch(f"SELECT to_jsonb(t)::text AS row FROM (SELECT {select} FROM {table}) t")
            found[table] = sorted(r["row"] for r in rows)
    return found


def row_differences(live: dict[str, list[str]], rebuilt: dict[str, list[str]]) -> int:
    """Rows present in one snapshot and not the other (counted with multiplicity)."""
    from collections import Counter

    total = 0
    for table in live.keys() | rebuilt.keys():
        a, b = Counter(live.get(table, [])), Counter(rebuilt.get(table, []))
        total += sum(((a - b) + (b - a)).values())
    return total


async def compare_with_rebuild(civic: Civic) -> dict[str, dict[str, int]]:
    """For each projection: live rows, and rows differing from a rebuild from the store."""
    report: dict[str, dict[str, int]] = {}
    for projection in civic.projections():
        tables = list(projection.tables)
        live = await snapshot(civic, tables)
        await civic.runner_for(projection.name).rebuild()
        rebuilt = await snapshot(civic, tables)
        report[projection.name] = {"rows": sum(len(v) for v in live.values()),
                                   "differences": row_differences(live, rebuilt)}
    return report


async def command_effects(civic: Civic, keys: Sequence[str]) -> tuple[list[str], list[str]]:
    """(keys with no event, keys whose effect was appended twice) among accepted commands.

    A command's events carry its id (``<sub>:<route>:<Idempotency-Key>``) in their
    metadata; appended twice, the same event type would appear twice on the same stream.
    """
    rows = await civic.pool.fetch(
        "SELECT split_part(metadata->>'command_id', ':', 3) AS key, stream_id, type, count(*) AS n"
        " FROM events WHERE split_part(metadata->>'command_id', ':', 3) = ANY($1::text[])"
        " GROUP BY 1, 2, 3", list(keys))
    seen = {r["key"] for r in rows}
    doubled = sorted({r["key"] for r in rows if r["n"] > 1})
    return sorted(set(keys) - seen), doubled


async def parked(civic: Civic) -> int:
    return await civic.pool.fetchval("SELECT count(*) FROM parked_events")
