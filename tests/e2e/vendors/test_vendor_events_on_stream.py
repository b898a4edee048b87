"""Vendor events reach the NATS stream once the relay has published them."""

from __future__ import annotations

import asyncio

import msgspec
import nats

from infra.bus import envelope_decoder
from tests.e2e.vendors.helpers import API, registration
from tests.support import unique


async def test_registration_and_approval_are_published_on_the_vendor_subjects(client, token, settings):
    nc = await nats.connect(settings.nats_url)
    try:
        js = nc.jetstream()
        owner = token("vendor", sub=unique("owner"))
        created = await client.post(f"{API}/vendors", json=registration(), headers=owner)
        assert created.status_code == 201, created.text
        vendor_id = created.json()["id"]
        await client.post(f"{API}/vendors/{vendor_id}/submit", headers=owner)
        await client.post(f"{API}/vendors/{vendor_id}/approve", headers=token("admin"))

        sub = await js.subscribe(f"{settings.subject_prefix}.vendors.>", stream=settings.stream_name,
                                 ordered_consumer=True)
        seen: dict[str, dict] = {}
        deadline = asyncio.get_running_loop().time() + 20
        while len(seen) < 3 and asyncio.get_running_loop().time() < deadline:
            try:
                msg = await sub.next_msg(timeout=1)
            except nats.errors.TimeoutError:
                continue
            envelope = envelope_decoder.decode(msg.data)
            if envelope.stream_id == f"vendor-{vendor_id}":
                assert msg.subject == f"{settings.subject_prefix}.{envelope.type}"
                seen[envelope.type] = msgspec.json.decode(bytes(envelope.data))
        await sub.unsubscribe()
    finally:
        await nc.close()
    assert set(seen) == {"vendors.VendorRegistered.v1", "vendors.VendorSubmitted.v1", "vendors.VendorApproved.v1"}
    assert seen["vendors.VendorRegistered.v1"]["legal_name"] == created.json()["legal_name"]
    assert seen["vendors.VendorApproved.v1"]["vendor_id"] == vendor_id
