"""Outbox rows written straight into a fresh database, for the sender's own tests."""

from __future__ import annotations

import json
from datetime import datetime

from infra import db


async def seed(database_url: str, count: int, now: datetime, *, prefix: str = "n",
               domain: str = "example.org") -> list[str]:
    """``count`` instant notices, each to a user of its own with an address; their ids."""
    pool = await db.create_pool(database_url, min_size=1, max_size=2)
    try:
        subs = [f"{prefix}user{i}" for i in range(count)]
        await pool.executemany(
            "INSERT INTO notify_preferences (sub, role, email) VALUES ($1, 'vendor', $2)",
            [(s, f"{s}@{domain}") for s in subs])
        values = json.dumps({"agency": "City of Springfield", "title": "Road salt", "solicitation_type": "ITB",
                             "solicitation_id": "sol_1", "codes": "12345", "deadline": "soon",
                             "path": "/solicitations/sol_1"})
        ids = [f"{prefix}:{s}" for s in subs]
        await pool.executemany(
            "INSERT INTO notify_outbox (notice_id, kind, recipient, vars, deliver_after, next_attempt_at)"
            " VALUES ($1, 'opportunity', $2, $3::jsonb, $4, $4)",
            [(i, s, values, now) for i, s in zip(ids, subs, strict=True)])
        return ids
    finally:
        await pool.close()
