"""Outboxes: work waiting to leave the marketplace (mail, webhook deliveries).

A component declares each of its outboxes once, as an ``Outbox`` in its ``Component``;
``civic status`` shows them and the metrics sampler exports them
(``civic_outbox_depth``, ``civic_outbox_oldest_age_seconds``) from the same query, so
the two can never disagree about what is waiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Outbox:
    name: str
    #: SQL given ``$1`` = now (the marketplace's clock): one row with ``depth`` (items due and
    #: not yet delivered) and ``oldest`` (when the oldest of them became due, or NULL); any
    #: further columns are figures ``civic status`` shows beside them
    query: str


@dataclass(frozen=True)
class OutboxFigures:
    name: str
    depth: int
    oldest: datetime | None
    #: seconds since the oldest undelivered item became due (0 when none is waiting)
    age_s: float
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"depth": self.depth, "oldest_undelivered": self.oldest.isoformat() if self.oldest else None,
                "oldest_age_seconds": round(self.age_s, 1), **self.extra}


async def measure(conn: Any, outbox: Outbox, now: datetime) -> OutboxFigures:
    """``outbox``'s figures now (``conn``: a connection or a pool)."""
    row = await conn.fetchrow(outbox.query, now)
    values = dict(row) if row is not None else {}
    depth = int(values.pop("depth", 0) or 0)
    oldest = values.pop("oldest", None)
    age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    return OutboxFigures(name=outbox.name, depth=depth, oldest=oldest, age_s=age, extra=values)
