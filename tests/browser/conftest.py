"""Fixtures of the browser tests: the app over real HTTP, Debian's Chromium driven by
Playwright, pages whose every request to anything but loopback is blocked, and axe-core.

Without a Chromium the tests here are reported as not run, with the reason, at the start
and at the end of the run (tests/conftest.py prints it); they never pass silently."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from infra.settings import Settings
from tests.browser.chromium import find_chromium, missing_message
from tests.browser.server import serving

CHROMIUM = find_chromium()
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM is not None:
        return
    skip = pytest.mark.skip(reason=missing_message())
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
async def portal_settings(isolated_session: Any) -> Settings:
    """A database and stream of the served app's own: its runners, which live for the whole
    session, never take events of the suite's shared database (whose read models other
    tests expect built with the test app's settings, its base URL in OCDS links say)."""
    return await isolated_session()


@pytest.fixture(scope="session")
def base_url(portal_settings: Settings) -> Iterator[str]:
    """The marketplace on a loopback port, relay, runners and scheduler included."""
    with serving(portal_settings) as url:
        yield url


@pytest.fixture
async def http(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An API client of the served app (for what a test sets up around the browser)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    assert CHROMIUM is not None
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--no-first-run"])
        yield launched
        await launched.close()


class Offline:
    """What a page tried to fetch outside loopback (each blocked)."""

    def __init__(self) -> None:
        self.blocked: list[str] = []


async def offline_context(browser: Any, **options: Any) -> tuple[Any, Offline]:
    """A browser context that can reach loopback only: every other request is aborted
    and noted, as on an agency network without internet access."""
    context = await browser.new_context(**options)
    offline = Offline()

    async def route(route: Any) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host in LOOPBACK:
            await route.continue_()
        else:
            offline.blocked.append(route.request.url)
            await route.abort("internetdisconnected")

    await context.route("**/*", route)
    return context, offline


@pytest.fixture
async def page(browser: Any) -> AsyncIterator[Any]:
    """A page in English, in the America/Chicago time zone, offline but for loopback."""
    context, offline = await offline_context(browser, locale="en-US", timezone_id="America/Chicago")
    page = await context.new_page()
    page.offline = offline
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    yield page
    await context.close()
    assert not offline.blocked, f"the page asked for something off loopback: {offline.blocked}"
