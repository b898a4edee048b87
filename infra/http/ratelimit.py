"""Rate limiting of write routes, per bearer token and per client address.

Every POST, PUT, PATCH or DELETE draws one unit from the bucket of the client's address
and, when it carries a bearer token, one from the bucket of that token. A bucket holds
``rate_limit_per_minute`` units and refills continuously at that rate; an empty bucket
answers 429 with ``Retry-After`` (whole seconds until a unit is back) and the usual
error body. Reads are not limited: they change nothing and are cheap to serve.

The buckets live in the process. With N API processes behind a load balancer a client
can get up to N times the configured rate; the balancer's own limit (or sticky routing)
bounds that in production. Counting happens before the token is verified, keyed by a
digest of the token text, so a flood of forged tokens still drains the address bucket.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import AbstractMiddleware
from litestar.types import Receive, Scope, Send

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Bounded memory: the least recently seen keys are forgotten first (a forgotten key
# starts again with a full bucket, which only ever errs towards letting a client in).
MAX_KEYS = 100_000


@dataclass(slots=True)
class _Bucket:
    units: float
    updated: float


class TokenBuckets:
    """Token buckets of ``per_minute`` units, keyed by any string."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = MAX_KEYS) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.capacity = float(per_minute)
        self.rate_per_s = per_minute / 60.0
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def _refilled(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(self.capacity, now)
            self._buckets[key] = bucket
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.units = min(self.capacity, bucket.units + (now - bucket.updated) * self.rate_per_s)
            bucket.updated = now
        return bucket

    def take(self, *keys: str) -> float:
        """Take one unit from every key's bucket, or none when any is empty.

        Returns 0 when taken, else the seconds until every bucket has a unit again.
        """
        now = self.clock()
        buckets = [self._refilled(key, now) for key in keys]
        short = max((1.0 - b.units for b in buckets), default=0.0)
        if short > 0:
            return short / self.rate_per_s
        for bucket in buckets:
            bucket.units -= 1.0
        return 0.0


def client_keys(scope: Scope) -> list[str]:
    """The bucket keys of a request: its address and, if any, a digest of its token."""
    client = scope.get("client")
    keys = [f"ip:{client[0] if client else 'unknown'}"]
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            keys.append("token:" + hashlib.sha256(value).hexdigest()[:32])
            break
    return keys


class RateLimitMiddleware(AbstractMiddleware):
    """Answers 429 once a client's write budget for the last minute is spent."""

    scopes = {ScopeType.HTTP}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") in WRITE_METHODS:
            buckets = _buckets_of(scope)
            wait_s = buckets.take(*client_keys(scope))
            if wait_s > 0:
                retry_after = max(1, math.ceil(wait_s))
                raise TooManyRequestsException(
                    detail="too many write requests; retry later",
                    headers={"Retry-After": str(retry_after)},
                    extra={"retry_after_seconds": retry_after,
                           "limit_per_minute": int(buckets.capacity)},
                )
        await self.app(scope, receive, send)


def _buckets_of(scope: Scope) -> TokenBuckets:
    """The app's buckets, made on first use from its settings."""
    state = scope["app"].state
    buckets = state.get("rate_limit_buckets")
    if buckets is None:
        buckets = TokenBuckets(state.settings.rate_limit_per_minute)
        state.rate_limit_buckets = buckets
    return buckets
