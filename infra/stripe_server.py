"""A Stripe-compatible server (``localstripe``) on loopback for development and tests.

``civic serve`` starts one when no ``STRIPE_API_KEY`` is set; the test fixtures start
one per test session. localstripe keeps its objects in ``/tmp/localstripe.pickle`` and
rewrites that file on every change; run through this module it keeps them in the data
folder instead (or only in memory, for tests), so several servers never share a file.

    python -m infra.stripe_server --port 8420 [--state FILE]
"""

from __future__ import annotations

import argparse
import atexit
import json
import logging
import os
import pickle
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from infra.embedded import free_port, port_open, stop_process
from infra.settings import Settings

log = logging.getLogger("civic.stripe")

#: any ``sk_`` key is accepted by localstripe
LOCAL_API_KEY = "sk_test_civic_localstripe"
LOCAL_WEBHOOK_SECRET = "whsec_civic_localstripe_development"


@dataclass(frozen=True)
class LocalStripe:
    api_base: str
    api_key: str
    process: subprocess.Popen

    def stop(self) -> None:
        stop_process(self.process)


def start_localstripe(state_file: Path | None = None, *, stop_on_exit: bool = True) -> LocalStripe:
    """Start localstripe on a free loopback port; returns where the SDK should point."""
    port = free_port()
    command = [sys.executable, "-m", "infra.stripe_server", "--port", str(port),
               "--parent", str(os.getpid())]
    if state_file is not None:
        state_file.parent.mkdir(parents=True, exist_ok=True)
        command += ["--state", str(state_file)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, cwd=Path(__file__).resolve().parent.parent)
    deadline = time.monotonic() + 20
    while not port_open(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("localstripe did not start")
        time.sleep(0.05)
    server = LocalStripe(api_base=f"http://127.0.0.1:{port}", api_key=LOCAL_API_KEY, process=process)
    if stop_on_exit:
        atexit.register(server.stop)
    log.info("localstripe at %s", server.api_base)
    return server


def forward_webhooks(api_base: str, url: str, secret: str) -> None:
    """Ask localstripe to post its events, signed with ``secret``, to ``url``."""
    body = json.dumps({"url": url, "secret": secret}).encode()
    request = urllib.request.Request(f"{api_base}/_config/webhooks/civic", data=body,
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=5):  # noqa: S310 - loopback only
        pass


def with_local_stripe(settings: Settings, *, host: str, port: int) -> Settings:
    """Without ``STRIPE_API_KEY``: start localstripe (its objects kept in the data folder)
    and have it post its webhooks, signed, to this server's endpoint."""
    if settings.stripe_api_key or settings.stripe_api_base:
        return settings
    server = start_localstripe(settings.data_dir / "localstripe.pickle")
    secret = settings.stripe_webhook_secret or LOCAL_WEBHOOK_SECRET
    webhook_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    forward_webhooks(server.api_base, f"http://{webhook_host}:{port}/api/v1/webhooks/stripe", secret)
    log.info("no STRIPE_API_KEY: payments go to localstripe at %s", server.api_base)
    return settings.with_(stripe_api_base=server.api_base, stripe_api_key=server.api_key,
                          stripe_webhook_secret=secret)


def _serve(port: int, state: str | None, parent: int | None) -> None:
    import asyncio

    from aiohttp import web
    from localstripe import resources  # type: ignore[import-untyped]
    from localstripe.server import app  # type: ignore[import-untyped]

    def dump(store: resources.Store) -> None:
        if state:
            with open(state, "wb") as fh:
                pickle.dump(dict(store), fh, protocol=pickle.HIGHEST_PROTOCOL)

    def load(store: resources.Store) -> None:
        if state and Path(state).exists():
            with open(state, "rb") as fh:
                dict.update(store, pickle.load(fh))

    resources.Store.dump_to_disk = dump  # type: ignore[method-assign]
    resources.Store.try_load_from_disk = load  # type: ignore[method-assign]
    resources.store.try_load_from_disk()

    async def follow_parent(_: web.Application) -> None:
        # Stop with the process that started us, however it ended (even killed).
        async def watch() -> None:
            while parent is None or _alive(parent):  # noqa: ASYNC110 - another process
                await asyncio.sleep(1)
            raise web.GracefulExit()

        asyncio.get_running_loop().create_task(watch())

    if parent is not None:
        app.on_startup.append(follow_parent)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", help="keep objects in this file across restarts")
    parser.add_argument("--parent", type=int, help="stop when this process is gone")
    args = parser.parse_args()
    _serve(args.port, args.state, args.parent)
