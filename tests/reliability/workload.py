"""A seeded, reproducible workload of mixed commands, sent like a careful client would.

Each lane is a sequence of commands on entities of its own (agencies and vendors with
their owners), so lanes run concurrently without fighting over versions. Every command
carries an ``Idempotency-Key``; when the answer is lost (connection closed, timeout,
503) the client sends the same command again with the same key, so a command the
server accepted is never applied twice. The outcome of every command is recorded.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from infra.http.auth import mint_token
from infra.settings import Settings
from tests.support import many_requests

API = "/api/v1"
EIN_PREFIXES = ("10", "12", "20", "27", "33", "45", "46", "52", "84", "95")
PROGRAMS = ("MBE", "WBE", "DBE", "SBE", "VOSB", "SDVOSB", "HUBZone", "LBE")
STATES = ("IL", "WA", "TX", "NY", "CA", "OR", "MA", "CO")
BANDS = ("under_1m", "1m_5m", "5m_25m", "25m_100m", "over_100m")
RETRYABLE = {502, 503, 504}


@dataclass
class Outcome:
    kind: str
    key: str
    status: int | None  # None: never answered within the retry budget
    attempts: int


@dataclass
class Totals:
    outcomes: list[Outcome] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is not None and 200 <= o.status < 300]

    def figures(self) -> dict[str, Any]:
        return {
            "commands": len(self.outcomes),
            "requests": sum(o.attempts for o in self.outcomes),
            "accepted": len(self.accepted),
            "rejected": sum(1 for o in self.outcomes if o.status is not None and o.status >= 400),
            "unanswered": sum(1 for o in self.outcomes if o.status is None),
            "by_kind": dict(Counter(o.kind for o in self.outcomes)),
        }


class Lane:
    """One client's sequence of commands; the state it knows is what the server accepted."""

    def __init__(self, index: int, rng: random.Random, settings: Settings, seed: int = 0) -> None:
        self.index = index
        self.seed = seed
        self.rng = rng
        self.admin = _headers(settings, "admin", f"admin-{index}")
        self.owner = _headers(settings, "vendor", f"owner-{index}")
        self.agencies: list[str] = []
        self.vendors: dict[str, str] = {}  # vendor id -> status as last accepted
        self.serial = 0

    def _id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.seed % 1000:03d}l{self.index:03d}x{self.serial:05d}"

    def next_command(self) -> tuple[str, str, str, dict[str, str], dict[str, Any] | None, Any]:
        """(kind, method, path, headers, body, on_accept) chosen by the seeded generator."""
        choices: list[tuple[str, float]] = [("register_agency", 1.0), ("register_vendor", 1.0)]
        if self.agencies:
            choices.append(("set_goals", 2.0))
        drafts = [v for v, s in self.vendors.items() if s == "draft"]
        submitted = [v for v, s in self.vendors.items() if s == "submitted"]
        if drafts:
            choices += [("update_vendor", 2.0), ("submit_vendor", 1.0)]
        if submitted:
            choices.append(("approve_vendor", 1.0))
        kinds, weights = zip(*choices, strict=True)
        kind = self.rng.choices(kinds, weights)[0]
        match kind:
            case "register_agency":
                agency_id = self._id("ag")
                body = {"agency_id": agency_id, "name": f"Agency {agency_id}",
                        "jurisdiction": f"US-{self.rng.choice(STATES)}-City{self.rng.randrange(100)}"}
                return kind, "POST", f"{API}/agencies", self.admin, body, lambda: self.agencies.append(agency_id)
            case "set_goals":
                agency_id = self.rng.choice(self.agencies)
                goals = [{"program": p, "percent": self.rng.randrange(1, 40)}
                         for p in self.rng.sample(PROGRAMS, self.rng.randrange(0, 4))]
                return kind, "PUT", f"{API}/agencies/{agency_id}/goals", self.admin, {"goals": goals}, None
            case "register_vendor":
                vendor_id = self._id("vd")
                body = _vendor_body(self.rng, vendor_id, self.seed, self.index, self.serial)
                return kind, "POST", f"{API}/vendors", self.owner, body, lambda: self.vendors.__setitem__(vendor_id, "draft")
            case "update_vendor":
                vendor_id = self.rng.choice(drafts)
                body = {"employees": self.rng.randrange(1, 5000), "dba": f"Trading as {self.rng.randrange(10**6)}"}
                return kind, "PATCH", f"{API}/vendors/{vendor_id}", self.owner, body, None
            case "submit_vendor":
                vendor_id = self.rng.choice(drafts)
                return kind, "POST", f"{API}/vendors/{vendor_id}/submit", self.owner, None, \
                    lambda: self.vendors.__setitem__(vendor_id, "submitted")
            case _:
                vendor_id = self.rng.choice(submitted)
                return kind, "POST", f"{API}/vendors/{vendor_id}/approve", self.admin, None, \
                    lambda: self.vendors.__setitem__(vendor_id, "approved")


def _headers(settings: Settings, role: str, sub: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(settings, role=role, sub=sub, ttl_s=24 * 3600)}"}


def _vendor_body(rng: random.Random, vendor_id: str, seed: int, lane: int, serial: int) -> dict[str, Any]:
    # Seed, lane and serial make the EIN unique (one live registration per EIN) for up to
    # 100 lanes of 10,000 commands per seed.
    number = ((seed % 10) * 1_000_000 + (lane // len(EIN_PREFIXES)) * 100_000 + serial) % 10**7
    ein = f"{EIN_PREFIXES[lane % len(EIN_PREFIXES)]}-{number:07d}"
    return {
        "vendor_id": vendor_id,
        "legal_name": f"Supplier {vendor_id}",
        "tax_id": ein,
        "address": {"line1": f"{rng.randrange(1, 999)} Main St", "city": "Springfield",
                    "state": rng.choice(STATES), "zip": f"{rng.randrange(10000, 99999)}"},
        "contacts": [{"name": "Ana Ruiz", "email": f"{vendor_id}@example.com"}],
        "employees": rng.randrange(1, 500),
        "revenue_band": rng.choice(BANDS),
        "commodity_codes": rng.sample(["91500", "43211500", "72100", "80101500", "93800"], 2),
    }


async def run_workload(base_urls: list[str], settings: Settings, *, commands: int, lanes: int, seed: int,
                       max_seconds: float, retry_for_s: float = 60.0) -> Totals:
    """Send ``commands`` commands over ``lanes`` concurrent lanes (bounded by ``max_seconds``)."""
    totals = Totals()
    deadline = time.monotonic() + max_seconds
    per_lane = [commands // lanes + (1 if i < commands % lanes else 0) for i in range(lanes)]
    limits = many_requests(lanes * 2)

    async def lane_loop(index: int, client: httpx.AsyncClient) -> None:
        lane = Lane(index, random.Random(f"{seed}:{index}"), settings, seed)
        for n in range(per_lane[index]):
            if time.monotonic() > deadline:
                return
            kind, method, path, headers, body, on_accept = lane.next_command()
            key = str(uuid.UUID(int=random.Random(f"{seed}:{index}:{n}").getrandbits(128)))
            outcome = await _send(client, base_urls, index + n, kind, method, path,
                                  {**headers, "Idempotency-Key": key}, body, key, retry_for_s, totals)
            totals.outcomes.append(outcome)
            if outcome.status is not None and 200 <= outcome.status < 300 and on_accept is not None:
                on_accept()

    async with httpx.AsyncClient(timeout=20, limits=limits) as client:
        await asyncio.gather(*[lane_loop(i, client) for i in range(lanes)])
    return totals


async def _send(client: httpx.AsyncClient, base_urls: list[str], turn: int, kind: str, method: str,
                path: str, headers: dict[str, str], body: Any, key: str, retry_for_s: float,
                totals: Totals) -> Outcome:
    attempts = 0
    give_up = time.monotonic() + retry_for_s
    while True:
        attempts += 1
        # Spread commands over the API processes; a retry may land on another one.
        base = base_urls[(turn + attempts) % len(base_urls)]
        try:
            response = await client.request(method, base + path, headers=headers, json=body)
        except (httpx.TransportError, httpx.TimeoutException):
            response = None
        if response is not None and response.status_code >= 500 and response.status_code not in RETRYABLE:
            totals.server_errors.append(f"{kind} {response.status_code}: {response.text[:200]}")
        if response is not None and response.status_code not in RETRYABLE:
            return Outcome(kind, key, response.status_code, attempts)
        if time.monotonic() > give_up:
            return Outcome(kind, key, None, attempts)
        await asyncio.sleep(min(0.05 * attempts, 1.0))
