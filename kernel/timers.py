"""Timers: a command a service asks to receive at a time (deadline, expiry, window end).

A timer is written in the same transaction as the events that ask for it, and fired by
the scheduler once the clock passes ``due_at``. A fired timer only wakes the decider up:
the decider checks the state, so a stale timer (deadline moved) decides nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class Timer(msgspec.Struct, frozen=True, kw_only=True):
    timer_id: str
    kind: str
    stream_id: str
    due_at: datetime
    payload: dict[str, Any] = {}


def timer(kind: str, stream_id: str, due_at: datetime, **payload: Any) -> Timer:
    """A timer whose id is stable for (kind, stream, due time), so re-asking is harmless."""
    return Timer(
        timer_id=f"{kind}:{stream_id}:{due_at.isoformat()}",
        kind=kind,
        stream_id=stream_id,
        due_at=due_at,
        payload=payload,
    )
