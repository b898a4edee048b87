"""The schema promises what every error answer looks like: each documented 4xx and 5xx
of every route is the error body (only readiness answers its own shape)."""

from __future__ import annotations

from infra.http.app import create_app
from infra.settings import Settings

OWN_SHAPE = {("GET", "/ready", "503")}


def test_every_documented_error_response_is_the_error_body():
    schema = create_app(Settings(dev_clock=True)).openapi_schema.to_schema()
    wrong, checked = [], 0
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                if not status.startswith(("4", "5")) or (method.upper(), path, status) in OWN_SHAPE:
                    continue
                checked += 1
                if "#/components/schemas/ErrorBody" not in str(response.get("content", {})):
                    wrong.append(f"{method.upper()} {path} {status}")
    assert checked > 50
    assert not wrong, wrong
