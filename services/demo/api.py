"""The demo's view of the marketplace: its HTTP routes, called as the people who use them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import httpx

from infra.http.auth import mint_token
from infra.settings import Settings
from services.demo.pdf import tiny_pdf

API = "/api/v1"
T = TypeVar("T")
#: how long a request waits for the read models it depends on
SETTLE_S = 60.0


class DemoError(RuntimeError):
    """The marketplace answered something the story did not expect."""


class Api:
    """Calls the marketplace's routes with tokens minted for the demo's people.

    ``http`` is any httpx-style async client: an ASGI client of an in-process app or a
    client of a running server. Write requests answered 429 wait as ``Retry-After`` says.
    """

    def __init__(self, http: httpx.AsyncClient, settings: Settings) -> None:
        self.http = http
        self.settings = settings
        #: the marketplace's container, when it runs in this process
        self.civic: Any = None
        self._tokens: dict[tuple[str, str, str | None, str | None], dict[str, str]] = {}

    def as_(self, role: str, sub: str, *, agency: str | None = None,
            vendor: str | None = None) -> dict[str, str]:
        """Authorization headers of a user (tokens last the whole run)."""
        key = (role, sub, agency, vendor)
        if key not in self._tokens:
            token = mint_token(self.settings, role=role, sub=sub, agency=agency, vendor=vendor,
                               ttl_s=24 * 3600)
            self._tokens[key] = {"Authorization": f"Bearer {token}"}
        return self._tokens[key]

    @property
    def admin(self) -> dict[str, str]:
        return self.as_("admin", "demo-admin")

    async def call(self, method: str, path: str, who: dict[str, str] | None = None, *,
                   body: Any = None, key: str | None = None, ok: tuple[int, ...] = (200, 201),
                   params: dict[str, Any] | None = None, settle: tuple[str, ...] = ()) -> Any:
        """Send a request and return its JSON; an answer outside ``ok`` raises ``DemoError``.
        ``key`` is the request's Idempotency-Key (retried requests then create nothing twice).
        An error whose code is in ``settle`` comes from a read model that has not yet caught
        up with the story (the clock runs much faster than the projections): it is retried."""
        headers = dict(who or {})
        if key is not None:
            headers["Idempotency-Key"] = key
        patience = time.monotonic() + SETTLE_S
        delay = 0.05
        while True:
            response = await self.http.request(method, f"{API}{path}", json=body, headers=headers,
                                               params=params)
            if response.status_code == 429:
                await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
            elif settle and _code(response) in settle and time.monotonic() < patience:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.2)
            else:
                break
        if response.status_code not in ok:
            raise DemoError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    async def post(self, path: str, who: dict[str, str] | None, body: Any = None, **kw: Any) -> Any:
        return await self.call("POST", path, who, body=body, **kw)

    async def upload(self, path: str, who: dict[str, str], *, title: str, kind: str, lines: tuple[str, ...] = (),
                     key: str | None = None, parent_settles: bool = False, **fields: str) -> Any:
        """Attach a small generated PDF to ``path`` (``/bids/{id}/documents``, ...); ``fields``
        are the form's other fields (``certification``, ``expires_on``, ...). With
        ``parent_settles`` a 404 is retried for a while: the parent is known from a read model
        that catches up (a protest)."""
        headers = dict(who) | ({"Idempotency-Key": key} if key else {})
        files = {"file": (f"{title}.pdf", tiny_pdf(title, lines), "application/pdf")}
        missing = 0
        while True:
            response = await self.http.post(f"{API}{path}", data={"title": title, "kind": kind, **fields},
                                            files=files, headers=headers)
            if response.status_code == 404 and parent_settles and missing < 100:
                missing += 1
                await asyncio.sleep(0.1)
                continue
            if response.status_code != 429:
                break
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
        if response.status_code != 201:
            raise DemoError(f"POST {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    async def get(self, path: str, who: dict[str, str] | None = None, **kw: Any) -> Any:
        return await self.call("GET", path, who, **kw)

    async def exists(self, path: str, who: dict[str, str] | None = None) -> bool:
        response = await self.http.get(f"{API}{path}", headers=who or {})
        if response.status_code not in (200, 404):
            raise DemoError(f"GET {path}: {response.status_code} {response.text[:500]}")
        return response.status_code == 200

    async def set_clock(self, when: datetime) -> datetime:
        """Move the development clock; timers due by then fire before it answers."""
        answer = await self.post("/dev/clock", self.admin, {"now": when.isoformat()}, ok=(200,))
        return datetime.fromisoformat(answer["now"])

    async def clock(self) -> datetime:
        return datetime.fromisoformat((await self.get("/dev/clock", self.admin))["now"])


def _code(response: httpx.Response) -> str | None:
    if response.status_code < 400:
        return None
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


async def eventually(check: Callable[[], Awaitable[T | None]], what: str, *, within_s: float = 60.0) -> T:
    """Poll ``check`` until it returns something truthy: read models follow the events."""
    deadline = time.monotonic() + within_s
    delay = 0.02
    while True:
        found = await check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise DemoError(f"timed out waiting for {what}")
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.2)
