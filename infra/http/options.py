"""``OPTIONS`` answers every method the path has, for any caller.

Litestar builds one ``OPTIONS`` answer per route object, and a path served by handlers
with different guards or controllers ends up split: its ``Allow`` omitted methods, and
behind a controller's guard the answer was a 401. Here the answer comes from the whole
route table: 204 with ``Allow`` listing every method of every route matching the path.
"""

from __future__ import annotations

import re
from typing import Any

from litestar.enums import ScopeType
from litestar.middleware import AbstractMiddleware
from litestar.types import HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, Scope, Send

_PARAMETER = re.compile(r"\\\{[^}]*\\\}")


def _allowed(app: Any) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    table: dict[str, set[str]] = {}
    for route in app.routes:
        methods = getattr(route, "methods", None)
        if methods:
            table.setdefault(route.path_format, set()).update(methods)
    return [(re.compile("^" + _PARAMETER.sub("[^/]+", re.escape(path)) + "/?$"), frozenset(m))
            for path, m in table.items()]


class OptionsMiddleware(AbstractMiddleware):
    scopes = {ScopeType.HTTP}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") != "OPTIONS":
            await self.app(scope, receive, send)
            return
        app = scope["app"]
        table = getattr(app.state, "_options_table", None)
        if table is None:
            table = _allowed(app)
            app.state._options_table = table
        methods: set[str] = set()
        for pattern, allowed in table:
            if pattern.match(scope["path"]):
                methods |= allowed
        if not methods:
            await self.app(scope, receive, send)
            return
        allow = ", ".join(sorted(methods | {"OPTIONS"}))
        start: HTTPResponseStartEvent = {"type": "http.response.start", "status": 204,
                                         "headers": [(b"allow", allow.encode())]}
        body: HTTPResponseBodyEvent = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(start)
        await send(body)
