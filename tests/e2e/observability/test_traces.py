"""One command is one connected trace: HTTP request -> command -> append -> relay publish
-> runner apply, carried by the event's metadata and the NATS message headers."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from infra.observability import tracing
from tests.support import eventually, unique


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.install(provider)
    try:
        yield exporter
    finally:
        tracing.uninstall()
        provider.shutdown()


async def test_one_command_yields_one_trace_from_http_to_the_read_model(client, civic, token, spans):
    agency_id = unique("ag")
    response = await client.post(
        "/api/v1/agencies", headers=token("admin"),
        json={"agency_id": agency_id, "name": "Water", "jurisdiction": "US-OR-Portland"})
    assert response.status_code == 201
    [http] = [s for s in spans.get_finished_spans() if s.name == "POST /api/v1/agencies"]
    trace_id = http.context.trace_id

    def trace_spans():
        return [s for s in spans.get_finished_spans() if s.context.trace_id == trace_id]

    async def applied():
        return any(s.name == "apply activity" for s in trace_spans())

    await eventually(applied, what="the activity projection's apply span")
    found = trace_spans()
    names = {s.name for s in found}
    assert {"POST /api/v1/agencies", "command RegisterAgency", "append",
            "publish agencies.AgencyRegistered.v1", "apply activity"} <= names
    # Connected: every span but the request's has its parent inside the same trace.
    ids = {s.context.span_id for s in found}
    roots = [s for s in found if s.parent is None or s.parent.span_id not in ids]
    assert [r.name for r in roots] == ["POST /api/v1/agencies"]
    by_id = {s.context.span_id: s for s in found}
    [apply] = [s for s in found if s.name == "apply activity"]
    chain = []
    while apply is not None:
        chain.append(apply.name)
        apply = by_id.get(apply.parent.span_id) if apply.parent else None
    assert chain[0] == "apply activity" and chain[-1] == "POST /api/v1/agencies"
    assert "command RegisterAgency" in chain
    # The event's metadata carries the command's trace context.
    [event] = await civic.store.read_stream(f"agency-{agency_id}")
    assert event.metadata.traceparent and f"{trace_id:032x}" in event.metadata.traceparent


async def test_without_a_tracer_nothing_is_traced(client, token):
    assert not tracing.enabled()
    agency_id = unique("ag")
    response = await client.post(
        "/api/v1/agencies", headers=token("admin"),
        json={"agency_id": agency_id, "name": "Roads", "jurisdiction": "US-OR-Portland"})
    assert response.status_code == 201
    assert tracing.traceparent() is None
