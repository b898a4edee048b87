"""Reading the published releases: the feed, one release, records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from infra.db import Connection

_decode = msgspec.json.Decoder().decode


class Page(msgspec.Struct, frozen=True):
    items: list[Any]
    more: bool


async def release_page(
    conn: Connection | asyncpg.Pool,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 100,
) -> Page:
    """Releases dated in [since, until), oldest first (ties in the order they were made)."""
    rows = await conn.fetch(
        "SELECT release::text AS release FROM ocds_releases"
        " WHERE ($1::timestamptz IS NULL OR date >= $1) AND ($2::timestamptz IS NULL OR date < $2)"
        " ORDER BY date, tx, pos LIMIT $3 OFFSET $4",
        since,
        until,
        per_page + 1,
        (page - 1) * per_page,
    )
    return Page([_decode(r["release"]) for r in rows[:per_page]], len(rows) > per_page)


Key = tuple[datetime, int, int]


async def releases_after(
    conn: Connection, after: Key | None, limit: int
) -> list[tuple[Key, Any]]:
    """The next ``limit`` releases of the whole feed after ``after`` (keyset order), each
    with its key: for reading the feed through, without offsets that grow with it."""
    rows = await conn.fetch(
        "SELECT date, tx, pos, release::text AS release FROM ocds_releases"
        " WHERE $1::timestamptz IS NULL OR (date, tx, pos) > ($1, $2, $3)"
        " ORDER BY date, tx, pos LIMIT $4",
        *(after or (None, 0, 0)),
        limit,
    )
    return [((r["date"], r["tx"], r["pos"]), _decode(r["release"])) for r in rows]


async def release(
    conn: Connection | asyncpg.Pool, release_id: str
) -> dict[str, Any] | None:
    text = await conn.fetchval(
        "SELECT release::text FROM ocds_releases WHERE release_id = $1", release_id
    )
    return _decode(text) if text is not None else None


async def releases_of(conn: Connection | asyncpg.Pool, ocid: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT release::text AS release FROM ocds_releases WHERE ocid = $1 ORDER BY date, tx, pos",
        ocid,
    )
    return [_decode(r["release"]) for r in rows]


async def ocid_page(
    conn: Connection | asyncpg.Pool, *, page: int = 1, per_page: int = 50
) -> Page:
    """Public processes in the order they went public."""
    rows = await conn.fetch(
        "SELECT ocid FROM ocds_processes WHERE first_tx IS NOT NULL"
        " ORDER BY first_tx, first_pos LIMIT $1 OFFSET $2",
        per_page + 1,
        (page - 1) * per_page,
    )
    return Page([r["ocid"] for r in rows[:per_page]], len(rows) > per_page)


async def releases_by_ocid(
    conn: Connection | asyncpg.Pool, ocids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    rows = await conn.fetch(
        "SELECT ocid, release::text AS release FROM ocds_releases WHERE ocid = ANY($1::text[])"
        " ORDER BY date, tx, pos",
        ocids,
    )
    found: dict[str, list[dict[str, Any]]] = {ocid: [] for ocid in ocids}
    for row in rows:
        found[row["ocid"]].append(_decode(row["release"]))
    return found
