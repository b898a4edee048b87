"""Every HTTP request: its metrics, its trace span and the request id its log lines carry.

The outermost middleware, so it sees every answer, including the errors other
middleware raise (their status is read from the exception, the response being built
further out).
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import AbstractMiddleware
from litestar.types import Message, Receive, Scope, Send
from opentelemetry.trace import SpanKind

from infra.observability import context, tracing
from infra.observability.metrics import HTTP_LATENCY, HTTP_REQUESTS
from kernel.errors import DomainError

REQUEST_ID = b"x-request-id"
access_log = logging.getLogger("civic.http.access")


def _status_of(exc: BaseException) -> int:
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, DomainError):
        return exc.status
    return 500


class ObserveMiddleware(AbstractMiddleware):
    scopes = {ScopeType.HTTP}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", ()))
        incoming = headers.get(REQUEST_ID, b"").decode("latin-1")
        request_id = incoming if 0 < len(incoming) <= 100 and incoming.isprintable() else uuid.uuid4().hex
        route = scope.get("path_template") or "unmatched"
        method = str(scope.get("method", "GET"))
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (REQUEST_ID, request_id.encode())]
            await send(message)

        traceparent = headers.get(b"traceparent")
        started = time.perf_counter()
        with context.bound(request_id=request_id, correlation_id=request_id), tracing.span(
            f"{method} {route}", kind=SpanKind.SERVER,
            parent=traceparent.decode("latin-1") if traceparent else None,
            attributes={"http.request.method": method, "http.route": route},
        ) as span:
            try:
                await self.app(scope, receive, send_wrapper)
            except BaseException as exc:
                status = _status_of(exc)
                raise
            finally:
                with context.bound(actor=getattr(scope.get("user"), "sub", None)):
                    _record(span, method, route, status, time.perf_counter() - started)


def _record(span: Any, method: str, route: str, status: int, seconds: float) -> None:
    # The route template, never the path: ids and query strings stay out of the logs.
    access_log.debug("%s %s %s in %.1f ms", method, route, status, seconds * 1000)
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route, str(status)).observe(seconds)
    if span is not None:
        span.set_attribute("http.response.status_code", status)
