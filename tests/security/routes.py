"""The app's route table as (method, path template) pairs, and concrete paths for them."""

from __future__ import annotations

import re
import uuid

from litestar import Litestar
from litestar.routes import HTTPRoute

_PARAM = re.compile(r"\{(\w+):(\w+)\}")


def route_table(app: Litestar) -> list[tuple[str, str]]:
    """Every method and path the app serves, without Litestar's automatic OPTIONS."""
    found = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.handler_name == "options_handler":
                continue
            for method in handler.http_methods:
                found.add((method, route.path))
    return sorted(found, key=lambda mp: (mp[1], mp[0]))


def concrete_path(template: str) -> str:
    """The template with every parameter replaced by a random value of its type."""

    def value(match: re.Match[str]) -> str:
        kind = match.group(2)
        if kind == "int":
            return str(900_000_000 + uuid.uuid4().int % 1000)
        if kind == "uuid":
            return str(uuid.uuid4())
        return f"missing-{uuid.uuid4().hex[:10]}"

    return _PARAM.sub(value, template)
