"""Marketplace processes (API, relay, projection runners) started as the CLI starts them,
so a test can SIGKILL one at any moment and start it again."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from infra.settings import Settings
from tests.reliability.servers import free_port, wait_for_port


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that makes a CLI process use these servers, stream and key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CIVIC_", "DATABASE_URL", "NATS_URL"))}
    env.update({
        "DATABASE_URL": settings.database_url or "",
        "NATS_URL": settings.nats_url or "",
        "CIVIC_STREAM": settings.stream_name,
        "CIVIC_SUBJECT_PREFIX": settings.subject_prefix,
        "CIVIC_STREAM_REPLICAS": str(settings.stream_replicas),
        "CIVIC_SIGNING_KEY": settings.signing_key or "",
        "CIVIC_DATA_DIR": str(settings.data_dir),
        "CIVIC_RATE_LIMIT_PER_MINUTE": str(settings.rate_limit_per_minute),
        "CIVIC_DEV_CLOCK": "1" if settings.dev_clock else "0",
        "PYTHONUNBUFFERED": "1",
    })
    for name, value in (("STRIPE_API_KEY", settings.stripe_api_key), ("STRIPE_API_BASE", settings.stripe_api_base),
                        ("STRIPE_WEBHOOK_SECRET", settings.stripe_webhook_secret)):
        if value:
            env[name] = value
    env.update(extra)
    return env


class CivicProcess:
    """``civic <args>`` in a process of its own, its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], *, port: int | None = None) -> None:
        self.name = name
        self.args = args
        self.env = env
        self.port = port
        self.log_path = Path(tempfile.mkstemp(prefix=f"civic-{name}-", suffix=".log")[1])
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 60.0) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "infra.cli", *self.args], env=self.env,
                stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[2],
            )
        self.starts += 1
        if self.port is not None:
            try:
                wait_for_port(self.port, timeout=timeout, proc=self.proc)
                self._wait_healthy(timeout)
            except RuntimeError as exc:
                raise RuntimeError(f"{self.name} did not start: {exc}\n{self.log()[-3000:]}") from exc

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} is not healthy; see {self.log_path}")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash or an OOM kill."""
        if self.running:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.running:
            assert self.proc is not None
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(15)
        self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def api(settings: Settings, name: str = "api", **extra: str) -> CivicProcess:
    port = free_port()
    return CivicProcess(name, ["serve", "--api-only", "--host", "127.0.0.1", "--port", str(port)],
                        environment(settings, **extra), port=port)


def relay(settings: Settings, name: str = "relay") -> CivicProcess:
    return CivicProcess(name, ["relay"], environment(settings))


def projector(settings: Settings, *names: str, name: str = "project") -> CivicProcess:
    return CivicProcess(name, ["project", *names], environment(settings))


@contextlib.asynccontextmanager
async def own_api(server_settings: Settings, data_dir: Path, **extra: str):
    """An API process over a fresh database and stream of its own, removed afterwards.

    Yields the process; its settings are ``process.settings``.
    """
    from tests.conftest import _delete_stream
    from tests.support import create_database, drop_database, isolated_settings, unique

    tag = unique("")
    name = f"civic_test_{tag}"
    url = await create_database(server_settings.database_url, name)
    settings = isolated_settings(server_settings, url, tag).with_(data_dir=data_dir)
    process = api(settings, **extra)
    process.settings = settings  # type: ignore[attr-defined]
    try:
        process.start()
        yield process
    finally:
        process.stop()
        await _delete_stream(server_settings.nats_url, settings.stream_name)
        await drop_database(server_settings.database_url, name)
