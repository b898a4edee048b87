"""The public open-data routes over a whole contracting process, through HTTP."""

from __future__ import annotations

import random
from datetime import timedelta

import msgspec

from projections.ocds import validation
from projections.ocds.process import ocid_for
from projections.ocds.values import value
from tests.e2e.ocds.served import FEED, RECORDS, everything_about, ok, only, wait_for_release
from tests.integration.ocds import scenario
from tests.support import eventually


def _process() -> scenario.Process:
    # A window of its own in the feed, whatever else the session publishes.
    return scenario.Process(start=scenario.START + timedelta(days=60 * random.randrange(1, 4_000)))


async def _projected(civic, stream_id: str) -> None:
    """Wait until the ocds projection has applied the last event of ``stream_id``."""
    row = await civic.pool.fetchrow(
        "SELECT transaction_id::text::bigint AS tx, position FROM events WHERE stream_id = $1"
        " ORDER BY version DESC LIMIT 1",
        stream_id,
    )
    runner = civic.runner_for("ocds")

    async def done() -> bool:
        return tuple(await runner.checkpoint()) >= (row["tx"], row["position"])

    await eventually(done, timeout=60, what=f"ocds to apply {stream_id}")


def _assert_valid(served) -> None:
    for package in served:
        problems = validation.problems(package)
        assert problems == [], f"{package['uri']}: {problems[:5]}"


async def test_no_bid_content_is_served_before_opening(client, civic):
    p = _process()
    ocid = ocid_for(civic.settings.ocid_prefix, p.solicitation_id)
    await scenario.append(civic.store, scenario.before_opening(p))
    await _projected(civic, f"solicitation-{p.solicitation_id}")
    served = await everything_about(client, ocid, p.start)
    _assert_valid(served)
    body = msgspec.json.encode(only(served, ocid)).decode()
    prices = [p.sealed_price, p.losing_price]
    for leaked in [
        *(str(m.amount) for m in prices),
        *(str(value({"amount": m.amount, "currency": m.currency})["amount"]) for m in prices),
        p.ciphertext,
        p.winning_bid,
        p.losing_bid,
        p.winner,
        p.loser,
        "numberOfTenderers",
    ]:
        assert leaked not in body, f"{leaked!r} is served before opening"
    assert ocid in body


async def test_every_route_serves_valid_ocds_after_a_whole_process(client, civic):
    p = _process()
    ocid = ocid_for(civic.settings.ocid_prefix, p.solicitation_id)
    await scenario.append(civic.store, scenario.before_opening(p) + scenario.after_opening(p))
    record = await wait_for_release(client, ocid, "contractTermination")
    served = await everything_about(client, ocid, p.start)
    _assert_valid(served)

    releases = record["records"][0]["releases"]
    feed_ids = [
        r["id"]
        for page in served[1:]
        if "releases" in page and len(page["releases"]) > 1
        for r in page["releases"]
    ]
    assert feed_ids == [r["id"] for r in releases]  # oldest first, across pages of 5
    assert record["records"][0]["compiledRelease"]["tender"]["status"] == "complete"
    assert any(ocid in [r["ocid"] for r in page.get("records", [])] for page in served[1:])
    body = msgspec.json.encode(served).decode()
    for secret in (
        p.tax_id,
        p.contact_email,
        p.evaluator,
        p.protest_grounds,
        p.asker,
        p.ciphertext,
    ):
        assert secret not in body


async def test_feed_paging_links_and_windows(client, civic):
    p = _process()
    ocid = ocid_for(civic.settings.ocid_prefix, p.solicitation_id)
    await scenario.append(civic.store, scenario.before_opening(p))
    await wait_for_release(client, ocid, "tenderAmendment")
    window = {"since": p.start.isoformat(), "until": (p.start + timedelta(days=30)).isoformat()}
    first = await ok(client, FEED, per_page=2, **window)
    assert [r["tag"] for r in first["releases"]] == [["planning", "tender"], ["tenderUpdate"]]
    assert first["links"]["next"].endswith("page=2") and "per_page=2" in first["links"]["next"]
    second = await ok(client, FEED, per_page=2, page=2, **window)
    assert [r["tag"] for r in second["releases"]] == [["tenderAmendment"]] and "links" not in second
    assert second["publishedDate"] == second["releases"][-1]["date"]
    later = await ok(client, FEED, since=p.at(4.5).isoformat(), until=window["until"])
    assert [r["tag"] for r in later["releases"]] == [["tenderAmendment"]]


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
