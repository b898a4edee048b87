"""``create_app()``: the Litestar application, wired from the discovered components."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from asyncpg import Pool
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from infra import embedded
from infra.clock import Clock
from infra.components import discover
from infra.container import Civic, open_civic
from infra.eventstore import EventStore
from infra.executor import Executor
from infra.http.auth import BearerAuthMiddleware, provide_actor, provide_maybe_actor
from infra.http.content_type import JsonBodyMiddleware
from infra.http.errors import EXCEPTION_HANDLERS, document_error_bodies
from infra.http.observe import ObserveMiddleware
from infra.http.options import OptionsMiddleware
from infra.http.ratelimit import RateLimitMiddleware
from infra.http.strict_params import refuse_numeric_datetimes
from infra.http.system import dev_routes, health, ready
from infra.portal.headers import SecurityHeadersMiddleware
from infra.portal.routes import portal_router
from infra.portal.schema_ui import OfflineSwaggerPlugin, asset_routers
from infra.portal.session import PortalSessionMiddleware
from infra.settings import Settings

log = logging.getLogger("civic.http")

API_PREFIX = "/api/v1"


def _civic(state: State) -> Civic:
    civic: Civic = state.civic
    return civic


def provide_executor(state: State) -> Executor:
    return _civic(state).executor


def provide_store(state: State) -> EventStore:
    return _civic(state).store


def provide_pool(state: State) -> Pool:
    return _civic(state).pool


def provide_clock(state: State) -> Clock:
    return _civic(state).clock


def provide_settings(state: State) -> Settings:
    return _civic(state).settings


#: what a controller may ask for by name: the executor, the event store, the clock, the
#: settings, and the pool for its own context's read model (``Civic`` itself is not offered)
CORE_DEPENDENCIES: dict[str, Provide] = {
    "executor": Provide(provide_executor, sync_to_thread=False),
    "store": Provide(provide_store, sync_to_thread=False),
    "pool": Provide(provide_pool, sync_to_thread=False),
    "clock": Provide(provide_clock, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
}


BEARER_DESCRIPTION = (
    "A JWT: the marketplace's own (HS256, minted by `civic token` or the portal's sign-in), or, when an "
    "OpenID provider is configured (`CIVIC_OIDC_ISSUER`), that provider's access token, verified against "
    "its published keys (JWKS): issuer, audience (`CIVIC_OIDC_AUDIENCE`, default the client id), expiry and "
    "not-before are checked and only the algorithms of `CIVIC_OIDC_ALGORITHMS` (RS256 or ES256 and the "
    "like; never `none` or HS*) are accepted; the role, agency and vendor come from the configured claims. "
    "A missing, expired or invalid token is answered 401 with `error.code` `invalid_token` or `token_expired`."
)


def create_app(
    settings: Settings | None = None,
    *,
    workers: bool = False,
    on_ready: Any = None,
    metrics_port: int = 0,
) -> Litestar:
    """The marketplace's HTTP app. With ``workers``, the relay, runners and scheduler run
    in the same process (``civic serve``, end-to-end tests). With ``metrics_port``, the
    process serves ``GET /metrics`` there (never on the API's own port)."""
    settings = settings or Settings.from_env()
    components = discover()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        with embedded.servers(app.state.settings) as resolved:
            civic = await open_civic(resolved)
            app.state.civic = civic
            app.state.settings = resolved
            try:
                if workers:
                    civic.start_workers(metrics_port=metrics_port)
                elif metrics_port:
                    civic.start_workers(relay=False, runners=False, scheduler=False,
                                        metrics_port=metrics_port)
                if on_ready is not None:
                    await on_ready(civic)
                yield
            finally:
                await civic.close()


    api = Router(
        path=API_PREFIX,
        route_handlers=[
            *dev_routes(settings.dev_clock),
            *[h for c in components for h in c.route_handlers],
        ],
    )
    dependencies: dict[str, Provide] = {
        **CORE_DEPENDENCIES,
        "actor": Provide(provide_actor),
        "maybe_actor": Provide(provide_maybe_actor),
    }
    for component in components:
        dependencies.update(component.dependencies)

    app = Litestar(
        route_handlers=[health, ready, api, *asset_routers(), portal_router(settings)],
        dependencies=dependencies,
        middleware=[ObserveMiddleware, SecurityHeadersMiddleware, OptionsMiddleware, RateLimitMiddleware, BearerAuthMiddleware,
                    PortalSessionMiddleware, JsonBodyMiddleware],
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=refuse_numeric_datetimes,
        lifespan=[lifespan],
        state=State({"settings": settings}),
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Civic Marketplace API",
            version="1.0.0",
            description="Event-sourced public procurement: vendors, solicitations, sealed bids, "
            "awards, contracts, payments and open contracting data.",
            path="/schema",
            render_plugins=[OfflineSwaggerPlugin()],
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(
                        type="http", scheme="bearer", bearer_format="JWT", description=BEARER_DESCRIPTION)
                }
            ),
            security=[{"BearerToken": []}],
        ),
        debug=False,
    )
    document_error_bodies(app)
    return app
