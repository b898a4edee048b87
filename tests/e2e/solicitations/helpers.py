"""Building blocks of the solicitation and bid end-to-end tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.vendors.facts import vendor_standing
from tests.e2e.vendors.helpers import advance, approved_vendor, clock_now
from tests.support import eventually, unique

API = "/api/v1"
DAY = 86400.0

__all__ = ["API", "DAY", "advance", "clock_now", "new_agency", "bidder", "solicitation_body", "published",
           "bid_body", "now_of"]


async def now_of(client, token) -> datetime:
    return datetime.fromisoformat(await clock_now(client, token))


async def new_agency(client, token) -> tuple[str, dict[str, str]]:
    """A registered agency (US rules) and one of its buyers."""
    agency_id = unique("ag")
    body = {"agency_id": agency_id, "name": "Department of Public Works", "jurisdiction": "US"}
    created = await client.post(f"{API}/agencies", json=body, headers=token("admin"))
    assert created.status_code == 201, created.text
    return agency_id, token("buyer", sub=unique("buyer"), agency=agency_id)


async def bidder(client, token, civic, **overrides: Any) -> tuple[str, dict[str, str]]:
    """An approved vendor (as the standing model sees it) and its owner's headers.
    ``civic`` is the test's own container (the app's pool lives on the server's loop)."""
    vendor, owner = await approved_vendor(client, token, **overrides)
    await civic.clock.refresh()

    async def approved() -> bool:
        async with civic.pool.acquire() as conn:
            standing = await vendor_standing(conn, vendor["id"], civic.clock.now())
        return standing is not None and standing.status == "approved" and bool(standing.users)

    await eventually(approved, what=f"vendor {vendor['id']} approved in the standing model")
    return vendor["id"], owner


def solicitation_body(now: datetime, **overrides: Any) -> dict[str, Any]:
    """An RFP above the simplified acquisition threshold: open method, 30 days."""
    deadline = now + timedelta(days=30)
    body = {
        "solicitation_type": "RFP",
        "title": "Traffic signal analytics",
        "description": "An AI system to time traffic signals",
        "commodity_codes": [unique("C")[:10]],
        "estimated_value": {"amount": 500_000_00, "currency": "USD"},
        "method": "open",
        "submission_deadline": deadline.isoformat(),
        "questions_deadline": (now + timedelta(days=20)).isoformat(),
        "opening_time": (deadline + timedelta(hours=1)).isoformat(),
        "criteria": [
            {"library_id": "price", "weight": 40},
            {"library_id": "technical_approach", "weight": 30},
            {"library_id": "ai_risk_mitigation_bias_testing", "weight": 20},
            {"library_id": "ai_explainability", "weight": 10},
        ],
        "documents": [{"name": "Statement of work.pdf", "url": "https://example.gov/sow.pdf"}],
    }
    return body | overrides


async def published(client, token, buyer, **overrides: Any) -> dict[str, Any]:
    body = solicitation_body(await now_of(client, token), **overrides)
    created = await client.post(f"{API}/solicitations", json=body, headers=buyer)
    assert created.status_code == 201, created.text
    done = await client.post(f"{API}/solicitations/{created.json()['id']}/publish", headers=buyer)
    assert done.status_code == 200, done.text
    return done.json()


def bid_body(amount: int, solicitation: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    responses = [{"criterion_id": c["criterion_id"], "text": f"Our answer on {c['name']}"}
                 for c in solicitation["criteria"] if not c["is_price"]]
    body = {
        "price": {"amount": amount, "currency": "USD"},
        "responses": responses,
        "attestations": {"no_conflict_of_interest": True, "non_collusion": True},
        "documents": [{"name": "Proposal.pdf"}],
    }
    return body | overrides


async def cleared_evaluator(client, token, buyer, agency_id: str, solicitation_id: str,
                            bidders: list[str]) -> dict[str, str]:
    """An evaluator appointed to an opened solicitation who declared no conflict of
    interest (through the awards API, once its read model has seen the opening)."""
    sub = unique("evaluator")
    evaluator = token("evaluator", sub=sub, agency=agency_id)
    base = f"{API}/solicitations/{solicitation_id}"

    async def appointed() -> bool:
        response = await client.post(f"{base}/evaluators", json={"evaluator": sub}, headers=buyer)
        return response.status_code == 201

    async def declared() -> bool:
        response = await client.post(f"{base}/coi-declarations", json={"bidders": bidders}, headers=evaluator)
        return response.status_code == 201

    await eventually(appointed, what="evaluator appointed")
    await eventually(declared, what="conflict of interest declaration")
    return evaluator
