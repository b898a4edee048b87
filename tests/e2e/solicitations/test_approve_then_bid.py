"""Read-your-writes across contexts: a vendor told "approved" may bid on the next request.

The vendor standing that bid decisions read is applied in the approval's own transaction
(an inline projection), so no bid sent after a 2xx approval is refused as from a vendor
that is not approved (``not_eligible``) or not yet known (``not_vendor_user``), however
busy the workers are.
"""

from __future__ import annotations

import asyncio

from tests.e2e.solicitations.helpers import API, bid_body, new_agency, published
from tests.e2e.vendors.helpers import register

ROUNDS = 200


async def test_a_vendor_approved_a_moment_ago_bids_on_the_next_request(client, token):
    _, buyer = await new_agency(client, token)
    solicitation = await published(client, token, buyer)
    admin = token("admin")

    async def submitted_vendor():
        vendor, owner = await register(client, token)
        response = await client.post(f"{API}/vendors/{vendor['id']}/submit", headers=owner)
        assert response.status_code == 200, response.text
        return vendor["id"], owner

    vendors = []
    for _ in range(ROUNDS // 20):
        vendors += await asyncio.gather(*(submitted_vendor() for _ in range(20)))

    refused = []
    for n, (vendor_id, owner) in enumerate(vendors):
        approved = await client.post(f"{API}/vendors/{vendor_id}/approve", headers=admin)
        assert approved.status_code == 200, approved.text
        bid = await client.post(f"{API}/solicitations/{solicitation['id']}/bids",
                                json=bid_body(100_000_00 + n, solicitation), headers=owner)
        if bid.status_code != 201:
            refused.append((vendor_id, bid.status_code, bid.json().get("error", {}).get("code")))
    assert len(vendors) == ROUNDS
    assert refused == [], f"{len(refused)} of {ROUNDS} bids refused right after approval: {refused[:5]}"
