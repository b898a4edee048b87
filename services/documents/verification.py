"""A verification pass over every stored document blob, for ``civic status``."""

from __future__ import annotations

from typing import Any

from services.documents.reading import verify
from services.documents.readmodel import (
    clear_fault,
    faults,
    record_fault,
    record_verified,
    stored_blobs,
)
from services.documents.storage import store_of


async def verify_blobs(civic: Any) -> dict[str, Any]:
    """Re-hash every blob a document points to; record and list the corrupted ones (a
    repaired blob is cleared)."""
    store = store_of(civic)
    checked = 0
    for blob, blob_size in await stored_blobs(civic.pool):
        seen = await store.stat(blob)  # before reading: a change meanwhile makes it stale
        reason = await verify(store, blob, blob_size)
        checked += 1
        if reason is None:
            await clear_fault(civic.pool, blob)
            if seen is not None:
                await record_verified(civic.pool, blob, seen.fingerprint)
        else:
            await record_fault(civic.pool, blob, reason)
    found = await faults(civic.pool)
    return {"store": store.name, "blobs": checked,
            "corrupted": [{"blob": blob, "reason": reason} for blob, reason in found]}
