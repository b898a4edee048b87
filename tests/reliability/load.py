"""Bounded HTTP load against an API process, with every response recorded.

Loops stop at a request count or a deadline, whichever comes first, and send only to the
loopback address of the process under test.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from tests.support import many_requests, unique


@dataclass
class Recorded:
    statuses: Counter = field(default_factory=Counter)
    created: list[str] = field(default_factory=list)  # agencies acknowledged with 201
    bad: list[str] = field(default_factory=list)  # responses that break the contract
    timeouts: int = 0

    @property
    def sent(self) -> int:
        return sum(self.statuses.values()) + self.timeouts


UNAVAILABLE = 503


def check_unavailable(response: httpx.Response) -> str | None:
    """What is wrong with a 503, if anything: it must say when to retry, in the error body."""
    if "retry-after" not in response.headers:
        return "503 without Retry-After"
    error = response.json().get("error", {})
    if error.get("code") != "unavailable":
        return f"503 with code {error.get('code')!r}"
    return None


async def agency_load(base_url: str, headers: dict[str, str], *, workers: int, max_requests: int,
                      max_seconds: float, expected: set[int], rng: random.Random,
                      request_timeout: float = 15.0) -> Recorded:
    """Register agencies and read them back from ``workers`` concurrent clients."""
    recorded = Recorded()
    deadline = time.monotonic() + max_seconds
    budget = iter(range(max_requests))
    limits = many_requests(workers)

    async def worker(client: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline and next(budget, None) is not None:
            try:
                if recorded.created and rng.random() < 0.3:
                    response = await client.get(f"/api/v1/agencies/{rng.choice(recorded.created)}",
                                                headers=headers)
                    agency_id = None
                else:
                    agency_id = unique("ag")
                    response = await client.post("/api/v1/agencies", headers=headers, json={
                        "agency_id": agency_id, "name": f"Agency {agency_id}", "jurisdiction": "US-NY"})
            except httpx.TimeoutException:
                recorded.timeouts += 1
                continue
            except httpx.TransportError:
                # The server under test closed the connection (it was killed): not an answer.
                recorded.statuses["no answer"] += 1
                await asyncio.sleep(0.05)
                continue
            recorded.statuses[response.status_code] += 1
            if response.status_code == 201 and agency_id:
                recorded.created.append(agency_id)
            if response.status_code not in expected:
                recorded.bad.append(f"{response.status_code}: {response.text[:200]}")
            elif response.status_code == UNAVAILABLE and (problem := check_unavailable(response)):
                recorded.bad.append(problem)
            if response.status_code == UNAVAILABLE:
                await asyncio.sleep(0.05)

    async with httpx.AsyncClient(base_url=base_url, timeout=request_timeout, limits=limits) as client:
        await asyncio.gather(*[worker(client) for _ in range(workers)])
    return recorded
