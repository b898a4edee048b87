"""Fetching what the open-data routes serve, the way a harvester would."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from tests.support import eventually

FEED = "/api/v1/ocds/releases"
RECORDS = "/api/v1/ocds/records"


def local(uri: str) -> str:
    """The path and query of an absolute URI the app named (links.next)."""
    parts = urlsplit(uri)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


async def ok(client: Any, path: str, **params: Any) -> dict[str, Any]:
    response = await client.get(path, params=params or None)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


async def feed(
    client: Any, since: datetime, until: datetime, per_page: int
) -> list[dict[str, Any]]:
    """Every page of the feed in [since, until), following links.next."""
    pages = [
        await ok(client, FEED, since=since.isoformat(), until=until.isoformat(), per_page=per_page)
    ]
    while "links" in pages[-1]:
        pages.append(await ok(client, local(pages[-1]["links"]["next"])))
        assert len(pages) < 1000
    return pages


async def records_pages(client: Any) -> list[dict[str, Any]]:
    pages = [await ok(client, RECORDS, per_page=200)]
    while "links" in pages[-1]:
        pages.append(await ok(client, local(pages[-1]["links"]["next"])))
        assert len(pages) < 1000
    return pages


async def everything_about(
    client: Any, ocid: str, start: datetime, days: int = 60
) -> list[dict[str, Any]]:
    """Every package the routes serve about one process: its feed window (5 to a page),
    each of its releases by id, its record, and every page of the records list."""
    record = await ok(client, f"{RECORDS}/{ocid}")
    served = [record, *await feed(client, start, start + timedelta(days=days), per_page=5)]
    for release in record["records"][0]["releases"]:
        served.append(await ok(client, f"{FEED}/{release['id']}"))
    served.extend(await records_pages(client))
    return served


async def wait_for_release(client: Any, ocid: str, tag: str, *, count: int = 1) -> dict[str, Any]:
    """The record once ``count`` of its releases carry ``tag``."""

    async def check() -> dict[str, Any] | None:
        response = await client.get(f"{RECORDS}/{ocid}")
        if response.status_code != 200:
            return None
        releases = response.json()["records"][0]["releases"]
        return response.json() if sum(tag in r["tag"] for r in releases) >= count else None

    return await eventually(check, timeout=60, what=f"{count} {tag} release(s) of {ocid}")


def only(served: list[dict[str, Any]], ocid: str) -> list[dict[str, Any]]:
    """The parts of served packages about one process (a shared feed holds others too)."""
    return [
        {
            **package,
            **(
                {"releases": [r for r in package["releases"] if r["ocid"] == ocid]}
                if "releases" in package
                else {}
            ),
            **(
                {"records": [r for r in package["records"] if r["ocid"] == ocid]}
                if "records" in package
                else {}
            ),
        }
        for package in served
    ]
