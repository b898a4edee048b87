"""The public open-data routes through HTTP: paging, windows, errors, documentation, and
the validity of everything they serve.

The data comes from the services' own routes: the session's marketplace is live (its
reactors act on every event), so no test here plants events of its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from projections.ocds import validation
from projections.ocds.process import ocid_for
from tests.e2e.ocds.served import FEED, RECORDS, local, ok, records_pages, wait_for_release
from tests.e2e.solicitations.helpers import new_agency, published


async def _a_published_process(client, token, civic) -> str:
    _, buyer = await new_agency(client, token)
    sol = await published(client, token, buyer)
    ocid = ocid_for(civic.settings.ocid_prefix, sol["id"])
    await wait_for_release(client, ocid, "tender")
    return ocid


async def _walk(client, path: str, **params) -> list[dict]:
    pages = [await ok(client, path, **params)]
    while "links" in pages[-1]:
        pages.append(await ok(client, local(pages[-1]["links"]["next"])))
        assert len(pages) < 5000
    return pages


async def test_feed_pages_chain_to_the_whole_feed_oldest_first(client, token, civic):
    await _a_published_process(client, token, civic)
    await _a_published_process(client, token, civic)
    everything = [r for page in await _walk(client, FEED, per_page=1000) for r in page["releases"]]
    pages = await _walk(client, FEED, per_page=3)
    assert all(len(page["releases"]) == 3 for page in pages[:-1]) and "links" not in pages[-1]
    paged = [r["id"] for page in pages for r in page["releases"]]
    # releases made while walking may extend the end; the pages agree with the whole feed
    assert paged[: len(everything)] == [r["id"] for r in everything][: len(paged)]
    dates = [datetime.fromisoformat(r["date"]) for r in everything]
    assert dates == sorted(dates)
    for page in pages[:3]:
        assert page["publishedDate"] == max(r["date"] for r in page["releases"])


async def test_a_window_holds_exactly_the_releases_dated_in_it(client, token, civic):
    ocid = await _a_published_process(client, token, civic)
    record = await ok(client, f"{RECORDS}/{ocid}")
    published_at = datetime.fromisoformat(record["records"][0]["releases"][0]["date"])
    since, until = published_at, published_at + timedelta(microseconds=1)
    window = await _walk(client, FEED, since=since.isoformat(), until=until.isoformat())
    releases = [r for page in window for r in page["releases"]]
    assert ocid in {r["ocid"] for r in releases}
    assert all(since <= datetime.fromisoformat(r["date"]) < until for r in releases)
    one = await ok(client, f"{FEED}/{record['records'][0]['releases'][0]['id']}")
    assert one["releases"] == record["records"][0]["releases"][:1]


async def test_every_package_served_is_valid_ocds_and_nothing_was_parked(client, token, civic):
    await _a_published_process(client, token, civic)
    served = [*await _walk(client, FEED, per_page=500), *await records_pages(client)]
    first_records = (await ok(client, RECORDS))["records"]
    for rec in first_records[:20]:
        served.append(await ok(client, f"{RECORDS}/{rec['ocid']}"))
        served.extend([await ok(client, f"{FEED}/{r['id']}") for r in rec["releases"]])
    for package in served:
        problems = validation.problems(package)
        assert problems == [], f"{package['uri']}: {problems[:5]}"
    # every event of the session, other contexts' tests included, was published or skipped
    parked = await civic.pool.fetch(
        "SELECT type, error FROM parked_events WHERE projection = 'ocds'"
    )
    assert [tuple(r) for r in parked] == []


async def test_bad_requests_get_clear_json_errors(client):
    checks = [
        (f"{FEED}/no-such-release", 404),
        (f"{RECORDS}/ocds-civic-nothing", 404),
        (f"{FEED}?page=0", 400),
        (f"{FEED}?per_page=100000", 400),
        (f"{RECORDS}?page=x", 400),
        (f"{FEED}?since=yesterday", 400),
        (f"{FEED}?since=2030-01-02T00:00:00", 422),
        (f"{FEED}?since=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z", 422),
        (f"{FEED}?since=1900-01-01T00:00:00Z&until=1900-01-02T00:00:00Z", 404),
        (f"{RECORDS}?page=999999", 404),
    ]
    for path, status in checks:
        response = await client.get(path)
        assert response.status_code == status or (status == 400 and response.status_code == 422), (
            path,
            response.status_code,
            response.text,
        )
        error = response.json()["error"]
        assert error["code"] and error["message"], path


async def test_the_routes_are_public_and_documented(client, token):
    schema = (await client.get("/schema/openapi.json")).json()
    for path in (
        "/api/v1/ocds/releases",
        "/api/v1/ocds/releases/{release_id}",
        "/api/v1/ocds/records",
        "/api/v1/ocds/records/{ocid}",
    ):
        assert "get" in schema["paths"][path], path
    assert (await client.get(f"{FEED}/x", headers=token("vendor"))).status_code == 404
    assert (await client.get(f"{FEED}/x")).status_code == 404
