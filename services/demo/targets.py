"""Where the demo runs: an in-process marketplace, a running server, or the server that
is starting (``civic serve --demo``)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, cast

import httpx
from litestar import Litestar

from infra.container import Civic
from infra.http.app import create_app
from infra.settings import Settings
from infra.stripe_server import LOCAL_WEBHOOK_SECRET, start_localstripe
from services.demo.api import Api
from services.demo.generate import AlreadyLoaded, generate, stripe_outcomes
from services.demo.scale import PRESETS, SERVE_DEFAULT, Scale
from services.demo.summary import Summary
from services.notifications.facts import MailProgress, mail_progress, uses_embedded_smtp

log = logging.getLogger("civic.demo")
# one line per request of thousands would bury the summary
logging.getLogger("httpx").setLevel(logging.WARNING)

#: the demo writes thousands of requests from one client; it is the marketplace's own loader
LOADER_RATE_LIMIT = 1_000_000

#: how long ``civic demo`` waits for the mail it caused to reach the SMTP server
MAIL_WAIT_S = 180.0


async def in_process(settings: Settings, seed: int, scale: Scale) -> Summary:
    """Start the marketplace (API, relay, projections, scheduler) in this process with the
    development clock and drive it through an ASGI client, inside the app's lifespan."""
    settings = settings.with_(dev_clock=True, rate_limit_per_minute=LOADER_RATE_LIMIT)
    if not settings.stripe_api_key:
        server = start_localstripe(settings.data_dir / "localstripe.pickle")
        settings = settings.with_(stripe_api_base=server.api_base, stripe_api_key=server.api_key,
                                  stripe_webhook_secret=settings.stripe_webhook_secret or LOCAL_WEBHOOK_SECRET)
    async with marketplace_in_process(settings) as api:
        summary = await generate(api, seed, scale, stripe=stripe_outcomes(api.settings))
        # The marketplace stops when this returns: its mail must have left first.
        progress = await mail_delivered(api.civic)
    return dataclasses.replace(summary, note=mail_note(api.settings, progress))


@asynccontextmanager
async def marketplace_in_process(settings: Settings) -> AsyncIterator[Api]:
    """The marketplace with its workers running in this process, and an API client of it."""
    app = create_app(settings, workers=True)
    async with app.lifespan(), _asgi_client(app) as client:
        api = Api(client, app.state.settings)
        api.civic = app.state.civic
        yield api


async def mail_delivered(civic: Civic, timeout_s: float = MAIL_WAIT_S, quiet_s: float = 1.0) -> MailProgress:
    """Wait until every notice decided so far has been accepted by the SMTP server (the
    embedded one unless ``CIVIC_SMTP_URL`` is set) and nothing new has been stored for
    ``quiet_s`` (reactors and Stripe's webhook may still cause notices after the demo's
    last request), or until ``timeout_s`` has passed."""
    deadline = time.monotonic() + timeout_s
    quiet_since, head = None, None
    while True:
        await civic.clock.refresh()
        progress = await mail_progress(civic.pool, civic.clock.now())
        now_head = await civic.store.head()
        if not progress.settled or now_head != head:
            quiet_since, head = None, now_head
        elif quiet_since is None:
            quiet_since = time.monotonic()
        if (quiet_since is not None and time.monotonic() - quiet_since >= quiet_s) or time.monotonic() > deadline:
            return progress
        await asyncio.sleep(0.25)


def mail_note(settings: Settings, progress: MailProgress) -> str:
    """Where the demo's mail went, for the summary."""
    left = f" ({progress.waiting} still waiting: `civic mailer` sends them)" if progress.waiting else ""
    if not uses_embedded_smtp(settings):
        return f"{progress.sent} sent to CIVIC_SMTP_URL{left}"
    return f"{progress.sent} kept by the embedded SMTP server{left}: read them with `civic mail list`"


async def against_server(url: str, settings: Settings, seed: int, scale: Scale) -> Summary:
    """Drive a running marketplace (started with the development clock). Its tokens are
    signed with this machine's key, so both must share ``CIVIC_SIGNING_KEY`` (or data
    folder); Stripe's outcomes reach it through its own webhook."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        return await generate(Api(client, settings), seed, scale, stripe=None)


def seed_on_start(seed: int, scale: Scale | None = None) -> Callable[[Civic], Awaitable[None]]:
    """An ``on_ready`` hook for ``create_app``: once the marketplace has started, load the
    demo in the background through the same routes, so the server answers at once."""
    chosen = scale or PRESETS[SERVE_DEFAULT]
    running: set[asyncio.Task[Any]] = set()

    async def on_ready(civic: Civic) -> None:
        task = asyncio.create_task(_load_into(civic, seed, chosen), name="demo")
        running.add(task)
        task.add_done_callback(running.discard)

    return on_ready


async def _load_into(civic: Civic, seed: int, scale: Scale) -> None:
    # A second app object over the running marketplace's own container: the same routes,
    # clock, executor and workers, reached without a socket and with the loader's own
    # write budget (the public rate limit stays as configured).
    settings = civic.settings.with_(rate_limit_per_minute=LOADER_RATE_LIMIT)
    loader = create_app(settings)
    loader.state.civic = civic
    loader.state.settings = settings
    try:
        async with _asgi_client(loader) as client:
            summary = await generate(Api(client, settings), seed, scale, stripe=stripe_outcomes(settings))
        log.info("%s", summary.render())
    except AlreadyLoaded as exc:
        log.info("%s", exc)
    except Exception:
        log.exception("the demo marketplace could not be loaded")


def _asgi_client(app: Litestar) -> httpx.AsyncClient:
    """A client that calls the app in this process, without a socket."""
    # Litestar types the ASGI messages precisely, httpx as plain mappings: the same protocol.
    asgi = cast("Callable[..., Awaitable[None]]", app)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://demo", timeout=60)
