"""Running a projection's SQL statements in event order, in as few round trips as possible.

A projection turns each event into ``(sql, args)`` statements. Consecutive statements with
the same SQL go to the server as one ``executemany``; the order of different statements is
kept, so the outcome equals applying the events one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

import asyncpg

Statement = tuple[str, tuple[Any, ...]]


async def execute_in_order(conn: asyncpg.Connection, statements: Iterable[Statement]) -> None:
    for sql, group in groupby(statements, key=lambda s: s[0]):
        rows = [args for _, args in group]
        if len(rows) == 1:
            await conn.execute(sql, *rows[0])
        else:
            await conn.executemany(sql, rows)
