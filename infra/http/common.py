"""Request parameters and helpers every controller uses."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar.params import Parameter

IdempotencyKey = Annotated[
    str | None,
    Parameter(header="Idempotency-Key", required=False, max_length=200,
              description="Repeat a request safely: the same key returns the first outcome "
              "and appends nothing more"),
]


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
