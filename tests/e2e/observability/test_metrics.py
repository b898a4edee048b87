"""``GET /metrics``: a scrape after a few commands finds the documented series moving."""

from __future__ import annotations

import contextlib

import httpx
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from infra.embedded import free_port
from infra.http.app import create_app
from tests.support import eventually, unique

# Sampled from the store every few seconds.
GAUGES = ("civic_relay_lag_events", "civic_runner_lag_events", "civic_runner_lag_seconds",
          "civic_parked_events", "civic_timers_due", "civic_timers_overdue", "civic_outbox_depth",
          "civic_outbox_oldest_age_seconds", "civic_db_pool_connections")


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@contextlib.asynccontextmanager
async def _marketplace(settings, *, token: str | None = None):
    """The app with its workers, serving its metrics on a port of its own (as ``civic serve``)."""
    port = free_port()
    app = create_app(settings.with_(metrics_token=token), workers=True, metrics_port=port)
    async with AsyncTestClient(app=app, timeout=30) as client:
        url = f"http://127.0.0.1:{port}/metrics"

        async def up() -> bool:
            try:
                return (await _scrape(url)).status_code in (200, 403)
            except httpx.HTTPError:
                return False

        await eventually(up, what="metrics server listening")
        yield client, url


async def _scrape(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.get(url, headers=headers or {})


async def test_a_scrape_after_some_commands_finds_the_series_move(isolated, token):
    async with _marketplace(await isolated()) as (client, url):
        before = _samples((await _scrape(url)).text)
        admin = token("admin")
        agency_id = unique("ag")
        body = {"agency_id": agency_id, "name": "Harbour", "jurisdiction": "US-WA-Seattle"}
        assert (await client.post("/api/v1/agencies", json=body, headers=admin)).status_code == 201
        assert (await client.post("/api/v1/agencies", json=body, headers=admin)).status_code == 409
        assert (await client.get(f"/api/v1/agencies/{agency_id}", headers=admin)).status_code == 200

        async def moved():
            response = await _scrape(url)
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/plain")
            now = _samples(response.text)
            applied = _value(now, "civic_runner_applied_events_total", projection="activity")
            sampled = {name for name, _ in now} >= set(GAUGES)
            return now if sampled and applied > _value(
                before, "civic_runner_applied_events_total", projection="activity") else None

        after = await eventually(moved, timeout=30, what="the applied count moves, the gauges sampled")

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    route = {"method": "POST", "route": "/api/v1/agencies"}
    assert delta("civic_http_requests_total", **route, status="201") >= 1
    assert delta("civic_http_requests_total", **route, status="409") >= 1
    assert delta("civic_http_request_duration_seconds_count", **route, status="201") >= 1
    assert delta("civic_http_requests_total", method="GET", route="/api/v1/agencies/{agency_id}",
                 status="200") >= 1
    assert delta("civic_commands_total", kind="RegisterAgency", outcome="ok") >= 1
    assert delta("civic_commands_total", kind="RegisterAgency", outcome="conflict") >= 1
    assert delta("civic_append_duration_seconds_count") >= 1
    assert delta("civic_events_appended_total") >= 1
    assert delta("civic_relay_published_events_total") >= 1
    assert delta("civic_runner_apply_duration_seconds_count", projection="activity") >= 1
    assert _value(after, "civic_db_pool_connections", state="max") >= 1


async def test_with_a_token_only_its_bearer_may_scrape(isolated):
    async with _marketplace(await isolated(), token="a-long-metrics-token-0123456789") as (_, url):
        assert (await _scrape(url)).status_code == 403
        assert (await _scrape(url, {"Authorization": "Bearer wrong"})).status_code == 403
        ok = await _scrape(url, {"Authorization": "Bearer a-long-metrics-token-0123456789"})
        assert ok.status_code == 200 and "civic_http_requests_total" in ok.text
