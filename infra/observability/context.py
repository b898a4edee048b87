"""What the current unit of work is about (request, correlation, actor): read by log lines."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("civic_request_id", default=None)
correlation_id: ContextVar[str | None] = ContextVar("civic_correlation_id", default=None)
actor: ContextVar[str | None] = ContextVar("civic_actor", default=None)


@contextlib.contextmanager
def bound(**values: str | None) -> Iterator[None]:
    """Set some of ``request_id``, ``correlation_id``, ``actor`` for the block."""
    variables = {"request_id": request_id, "correlation_id": correlation_id, "actor": actor}
    tokens = [(variables[name], variables[name].set(value)) for name, value in values.items()]
    try:
        yield
    finally:
        for variable, token in reversed(tokens):
            variable.reset(token)
