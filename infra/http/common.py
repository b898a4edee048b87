"""Request parameters and helpers every controller uses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from litestar.params import Parameter

from kernel.errors import field_error

IdempotencyKey = Annotated[
    str | None,
    Parameter(header="Idempotency-Key", required=False, max_length=200,
              description="Repeat a request safely: the same key returns the first outcome "
              "and appends nothing more"),
]


AsOf = Annotated[
    datetime | None,
    Parameter(query="as_of", required=False,
              description="Read the record as it stood at this moment (ISO 8601 with a time zone):"
              " folded from the events that had happened by then, shown as the caller's role"
              " saw it then"),
]


def as_of_instant(as_of: datetime | None) -> datetime | None:
    """``as_of`` checked: an instant needs its time zone."""
    if as_of is not None and as_of.tzinfo is None:
        raise field_error("as_of", "needs a time zone (e.g. 2026-03-01T12:00:00Z)")
    return as_of


def new_id(prefix: str) -> str:
    """A fresh opaque identifier, e.g. ``ag_3f2a...``."""
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def scoped_command_id(idempotency_key: str | None, actor_sub: str, route: str) -> str | None:
    """A command id from the client's key, scoped so two callers' keys never collide."""
    if idempotency_key is None:
        return None
    return f"{actor_sub}:{route}:{idempotency_key}"


def id_for_command(prefix: str, command_id: str | None) -> str:
    """A new id for what a command creates; derived from the command id when there is one,
    so a repeated request answers with the id its first attempt created."""
    if command_id is None:
        return new_id(prefix)
    return f"{prefix}_{uuid.uuid5(uuid.NAMESPACE_URL, command_id).hex[:16]}"

