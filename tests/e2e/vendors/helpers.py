"""Building blocks of the vendor end-to-end tests."""

from __future__ import annotations

import random
from typing import Any

from tests.support import unique

API = "/api/v1"
VALID_EIN_PREFIXES = ("10", "12", "20", "27", "33", "45", "46", "52", "84", "95")


def new_ein() -> str:
    return f"{random.choice(VALID_EIN_PREFIXES)}-{random.randrange(10**7):07d}"


def registration(**overrides: Any) -> dict[str, Any]:
    body = {
        "legal_name": f"Prairie Supply {unique('')}",
        "dba": "Prairie",
        "tax_id": new_ein(),
        "address": {"line1": "100 Market St", "city": "Springfield", "state": "IL", "zip": "62701"},
        "contacts": [{"name": "Ana Ruiz", "email": "ana@example.com", "phone": "+1 217 555 0100"}],
        "employees": 14,
        "revenue_band": "1m_5m",
        "commodity_codes": ["91500", "43211500"],
    }
    return body | overrides


async def register(client, token, **overrides: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A new vendor and its owner's headers."""
    owner = token("vendor", sub=unique("owner"))
    response = await client.post(f"{API}/vendors", json=registration(**overrides), headers=owner)
    assert response.status_code == 201, response.text
    return response.json(), owner


async def approved_vendor(client, token, **overrides: Any) -> tuple[dict[str, Any], dict[str, str]]:
    vendor, owner = await register(client, token, **overrides)
    assert (await client.post(f"{API}/vendors/{vendor['id']}/submit", headers=owner)).status_code == 200
    approved = await client.post(f"{API}/vendors/{vendor['id']}/approve", headers=token("admin"))
    assert approved.status_code == 200, approved.text
    return approved.json(), owner


async def clock_now(client, token) -> str:
    return (await client.get(f"{API}/dev/clock", headers=token("admin"))).json()["now"]


async def advance(client, token, seconds: float) -> dict[str, Any]:
    response = await client.post(f"{API}/dev/clock", json={"advance_seconds": seconds}, headers=token("admin"))
    assert response.status_code == 200, response.text
    return response.json()
