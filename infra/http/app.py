"""``create_app()``: the Litestar application, wired from the discovered components."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from infra import embedded
from infra.components import discover
from infra.container import Civic, open_civic
from infra.http.auth import BearerAuthMiddleware, provide_actor, provide_maybe_actor
from infra.http.content_type import JsonBodyMiddleware
from infra.http.errors import EXCEPTION_HANDLERS, document_error_bodies
from infra.http.ratelimit import RateLimitMiddleware
from infra.http.system import dev_routes, health, ready
from infra.settings import Settings

log = logging.getLogger("civic.http")

API_PREFIX = "/api/v1"


def create_app(
    settings: Settings | None = None,
    *,
    workers: bool = False,
    on_ready: Any = None,
) -> Litestar:
    """The marketplace's HTTP app. With ``workers``, the relay, runners and scheduler run
    in the same process (``civic serve``, end-to-end tests)."""
    settings = settings or Settings.from_env()
    components = discover()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        resolved = embedded.resolve(app.state.settings)
        civic = await open_civic(resolved)
        app.state.civic = civic
        app.state.settings = resolved
        if workers:
            civic.start_workers()
        if on_ready is not None:
            await on_ready(civic)
        try:
            yield
        finally:
            await civic.close()

    def provide_civic(state: State) -> Civic:
        return state.civic

    api = Router(
        path=API_PREFIX,
        route_handlers=[
            *dev_routes(settings.dev_clock),
            *[h for c in components for h in c.route_handlers],
        ],
    )
    dependencies: dict[str, Provide] = {
        "civic": Provide(provide_civic, sync_to_thread=False),
        "actor": Provide(provide_actor),
        "maybe_actor": Provide(provide_maybe_actor),
    }
    for component in components:
        dependencies.update(component.dependencies)

    app = Litestar(
        route_handlers=[health, ready, api],
        dependencies=dependencies,
        middleware=[RateLimitMiddleware, BearerAuthMiddleware, JsonBodyMiddleware],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        state=State({"settings": settings}),
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Civic Marketplace API",
            version="1.0.0",
            description="Event-sourced public procurement: vendors, solicitations, sealed bids, "
            "awards, contracts, payments and open contracting data.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")
                }
            ),
            security=[{"BearerToken": []}],
        ),
        debug=False,
    )
    document_error_bodies(app)
    return app
