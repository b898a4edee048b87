"""Reading everything the OCDS projection would serve, straight from its tables."""

from __future__ import annotations

from typing import Any

import msgspec

from projections.ocds import packages, queries

BASE = "https://open.example/api/v1/ocds"


async def served_packages(pool: Any) -> list[dict[str, Any]]:
    """Every release package (one per release and the whole feed) and record package."""
    served: list[dict[str, Any]] = []
    feed = await queries.release_page(pool, per_page=1000)
    if feed.items:
        served.append(packages.release_package(f"{BASE}/releases", feed.items))
        served.extend(
            packages.release_package(f"{BASE}/releases/{r['id']}", [r]) for r in feed.items
        )
    ocids = await queries.ocid_page(pool, per_page=200)
    for ocid in ocids.items:
        served.append(
            packages.record_package(
                f"{BASE}/records/{ocid}",
                [packages.record(ocid, await queries.releases_of(pool, ocid))],
            )
        )
    return served


def text_of(served: list[dict[str, Any]]) -> str:
    return "\n".join(msgspec.json.encode(p).decode() for p in served)
