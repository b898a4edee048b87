"""What the browser journeys stand on, set up through the API of the served app: an
agency, its buyer, a published invitation to bid (a public bid opening), the dev clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from infra.http.auth import mint_token
from infra.settings import Settings
from tests.e2e.solicitations.helpers import solicitation_body
from tests.support import eventually, unique

API = "/api/v1"


def bearer(settings: Settings, role: str, sub: str | None = None, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(settings, role=role, sub=sub or unique(role), **claims)}"}


async def now(http: httpx.AsyncClient, settings: Settings) -> datetime:
    answer = await http.get(f"{API}/dev/clock", headers=bearer(settings, "admin"))
    return datetime.fromisoformat(answer.json()["now"])


async def advance(http: httpx.AsyncClient, settings: Settings, seconds: float) -> None:
    answer = await http.post(f"{API}/dev/clock", json={"advance_seconds": seconds},
                             headers=bearer(settings, "admin"))
    assert answer.status_code == 200, answer.text


async def published_itb(http: httpx.AsyncClient, settings: Settings, title: str) -> dict[str, Any]:
    """An invitation to bid, published by a new agency's buyer: its opening is public."""
    agency_id = unique("ag")
    created = await http.post(f"{API}/agencies", headers=bearer(settings, "admin"),
                              json={"agency_id": agency_id, "name": "Department of Public Works",
                                    "jurisdiction": "US"})
    assert created.status_code == 201, created.text
    buyer = bearer(settings, "buyer", agency=agency_id)
    body = solicitation_body(await now(http, settings), solicitation_type="ITB", criteria=[], title=title,
                             description="Resurfacing of four city blocks, materials and labour")
    draft = await http.post(f"{API}/solicitations", json=body, headers=buyer)
    assert draft.status_code == 201, draft.text
    done = await http.post(f"{API}/solicitations/{draft.json()['id']}/publish", headers=buyer)
    assert done.status_code == 200, done.text
    return done.json()


async def approve(http: httpx.AsyncClient, settings: Settings, vendor_id: str) -> None:
    answer = await http.post(f"{API}/vendors/{vendor_id}/approve", headers=bearer(settings, "admin"))
    assert answer.status_code == 200, answer.text


async def opened(http: httpx.AsyncClient, solicitation_id: str) -> dict[str, Any]:
    """The solicitation once its bids have been opened (the scheduler's opening timer)."""

    async def check() -> dict[str, Any] | None:
        answer = await http.get(f"{API}/solicitations/{solicitation_id}")
        body = answer.json()
        return body if body.get("opened_at") and body.get("tabulation") is not None else None

    return await eventually(check, timeout=60, what=f"solicitation {solicitation_id} opened")
