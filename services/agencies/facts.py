"""What other contexts may know of agencies (``readmodel.py``, current with every agency
event)."""

from __future__ import annotations

from typing import Any


async def agency_jurisdiction(conn: Any, agency_id: str) -> str | None:
    """The jurisdiction an agency registered with, or ``None`` when it is not registered."""
    return await conn.fetchval("SELECT jurisdiction FROM agency_facts WHERE agency_id = $1", agency_id)
