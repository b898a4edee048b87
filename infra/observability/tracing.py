"""OpenTelemetry traces: HTTP request -> command -> append -> relay publish -> runner apply.

The W3C ``traceparent`` of the command travels in the event's metadata (so a runner
catching up from the store still joins the trace) and in the NATS message headers
(the relay's publish span). Spans are exported with OTLP only when
``OTEL_EXPORTER_OTLP_ENDPOINT`` is set; otherwise no tracer provider is installed and
every helper here returns at once (``enabled()`` is false): tracing costs nothing.
Tests install a provider of their own with ``install`` and remove it with ``uninstall``.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Tracer, TracerProvider
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = logging.getLogger("civic.tracing")

_propagator = TraceContextTextMapPropagator()
_tracer: Tracer | None = None
TRACEPARENT = "traceparent"


def install(provider: TracerProvider) -> None:
    """Trace with ``provider`` from now on."""
    global _tracer
    _tracer = provider.get_tracer("civic")


def uninstall() -> None:
    global _tracer
    _tracer = None


def configure(service_name: str) -> bool:
    """Install the OTLP exporter when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set; True if it was."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or enabled():
        return False
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    try:  # the exporter is an optional extra (pip install '.[otlp]')
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # type: ignore[import-not-found]
            OTLPSpanExporter,
        )
    except ImportError:
        log.warning("OTEL_EXPORTER_OTLP_ENDPOINT is set but the OTLP exporter is not installed"
                    " (pip install 'civic-marketplace[otlp]'); traces are off")
        return False
    provider = TracerProvider(resource=Resource.create(
        {"service.name": os.environ.get("OTEL_SERVICE_NAME", service_name)}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    install(provider)
    return True


def enabled() -> bool:
    return _tracer is not None


def traceparent() -> str | None:
    """The current span as a ``traceparent`` value (``None`` when tracing is off)."""
    if not enabled():
        return None
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get(TRACEPARENT)


def trace_id() -> str | None:
    """The current trace id in hex, for log lines."""
    if not enabled():
        return None
    ctx = trace.get_current_span().get_span_context()
    return f"{ctx.trace_id:032x}" if ctx.is_valid else None


def _parent(parent: str | Mapping[str, str] | None) -> Any:
    if parent is None:
        return None
    carrier = {TRACEPARENT: parent} if isinstance(parent, str) else parent
    return _propagator.extract(carrier)


@contextlib.contextmanager
def span(name: str, *, parent: str | Mapping[str, str] | None = None, kind: SpanKind = SpanKind.INTERNAL,
         attributes: Mapping[str, Any] | None = None) -> Iterator[Any]:
    """A span around the block, child of ``parent`` (a traceparent or headers) or of the
    current span; nothing at all when tracing is off."""
    if _tracer is None:
        yield None
        return
    with _tracer.start_as_current_span(name, context=_parent(parent), kind=kind,
                                       attributes=dict(attributes or {})) as current:
        yield current


def start_span(name: str, *, parent: str | None, kind: SpanKind = SpanKind.INTERNAL,
               attributes: Mapping[str, Any] | None = None) -> Any:
    """A span the caller ends (one per event of a batch); ``None`` when tracing is off."""
    if _tracer is None:
        return None
    return _tracer.start_span(name, context=_parent(parent), kind=kind,
                              attributes=dict(attributes or {}))


def headers_of(current: Any) -> dict[str, str]:
    """``traceparent`` of a span started with ``start_span``, for a message's headers."""
    if current is None:
        return {}
    carrier: dict[str, str] = {}
    _propagator.inject(carrier, context=trace.set_span_in_context(current, otel_context.Context()))
    return carrier
