"""Rate limits shared by every API process: write routes per bearer token and per address,
and named limits (uploads, login attempts) per vendor and per address.

Every POST, PUT, PATCH or DELETE draws one unit from the bucket of the client's address
and, when it carries a bearer token, one from the bucket of that token. A bucket holds
``rate_limit_per_minute`` units and refills continuously (fully in
``rate_limit_refill_s``, a minute by default); an empty bucket answers 429 with
``Retry-After`` (whole seconds until a unit is back) and the usual error body. Reads are
not limited: they change nothing and are cheap to serve.

The buckets are rows in PostgreSQL (``rate_limit_take`` in migration 1200): one statement
refills and draws from all of a request's buckets, all or none, under row locks, so N API
processes together admit what one would. Counting happens before the token is verified,
keyed by a digest of the token text, so a flood of forged tokens still drains the address
bucket.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractMiddleware
from litestar.types import Receive, Scope, Send

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SharedBuckets:
    """Token buckets of ``capacity`` units refilled over ``refill_s``, kept in PostgreSQL."""

    def __init__(self, pool: Any, capacity: int, *, refill_s: float = 60.0,
                 clock: Callable[[], datetime] | None = None) -> None:
        if capacity <= 0 or refill_s <= 0:
            raise ValueError("capacity and refill_s must be positive")
        self.pool = pool
        self.capacity = capacity
        self.rate_per_s = capacity / refill_s
        self.clock = clock  # None: the database's clock, the one every process shares

    async def take(self, *keys: str) -> float:
        """Take one unit from every key's bucket, or none when any is empty.

        Returns 0 when taken, else the seconds until every bucket has a unit again.
        """
        return await self.pool.fetchval(
            "SELECT rate_limit_take($1::text[], $2, $3, $4)", sorted(set(keys)),
            float(self.capacity), self.rate_per_s, self.clock() if self.clock else None)


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def client_keys(scope: Scope) -> list[str]:
    """The bucket keys of a request: its address and, if any, a digest of its token."""
    keys = [f"ip:{client_address(scope)}"]
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            keys.append("token:" + hashlib.sha256(value).hexdigest()[:32])
            break
    return keys


async def refuse_when_empty(buckets: SharedBuckets, keys: Sequence[str], what: str) -> None:
    """Raise 429 with ``Retry-After`` unless every bucket of ``keys`` gave a unit."""
    wait_s = await buckets.take(*keys)
    if wait_s > 0:
        retry_after = max(1, math.ceil(wait_s))
        raise TooManyRequestsException(
            detail=f"too many {what}; retry later",
            headers={"Retry-After": str(retry_after)},
            extra={"retry_after_seconds": retry_after, "limit_per_minute": buckets.capacity},
        )


class RateLimitMiddleware(AbstractMiddleware):
    """Answers 429 once a client's write budget is spent, counted across all processes."""

    scopes = {ScopeType.HTTP}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") in WRITE_METHODS:
            await refuse_when_empty(buckets_of(scope["app"].state, "writes"), client_keys(scope),
                                    "write requests")
        await self.app(scope, receive, send)


def buckets_of(state: Any, name: str) -> SharedBuckets:
    """The app's buckets for one limit (``writes`` or a named one), made on first use."""
    made = state.get("rate_limit_buckets")
    if made is None:
        made = state.rate_limit_buckets = {}
    if name not in made:
        settings = state.settings
        per_minute = settings.rate_limit_per_minute if name == "writes" else \
            settings.named_rate_limits.get(name, settings.rate_limit_per_minute)
        made[name] = SharedBuckets(state.civic.pool, per_minute, refill_s=settings.rate_limit_refill_s)
    return made[name]


def limited(name: str) -> Callable[[ASGIConnection, BaseRouteHandler], Any]:
    """A guard for one kind of action (``"uploads"``, ``"logins"``): the caller's vendor
    (or subject, for other roles) and address each have ``CIVIC_RATE_LIMIT_<NAME>`` units
    a minute of it, across every process."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        actor = connection.scope.get("user")
        keys = [f"{name}:ip:{client_address(connection.scope)}"]
        if actor is not None:
            keys.append(f"{name}:vendor:{actor.vendor}" if actor.vendor else f"{name}:sub:{actor.sub}")
        await refuse_when_empty(buckets_of(connection.app.state, name), keys, name.replace("_", " "))

    return guard
