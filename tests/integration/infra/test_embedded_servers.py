"""The embedded PostgreSQL and nats-server are stopped on every way out of the process
that started them, unless another live process of the same data folder still uses them.

Real ``civic serve`` processes on a fresh data folder (no DATABASE_URL / NATS_URL), sent
real signals, as ``kill``, systemd, container runtimes and Ctrl-C send them."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import httpx
import pytest

from infra.embedded import live_users
from tests.reliability.processes import CivicProcess
from tests.reliability.servers import free_port


def _serve(data_dir: Path, port: int | None = None) -> CivicProcess:
    port = port or free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CIVIC_", "DATABASE_URL", "NATS_URL", "STRIPE_"))}
    env.update(CIVIC_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    return CivicProcess("serve", ["serve", "--api-only", "--host", "127.0.0.1", "--port", str(port)],
                        env, port=port)


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie has exited
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def _server_pids(data_dir: Path) -> tuple[int, int]:
    postgres = int((data_dir / "pg" / "postmaster.pid").read_text().splitlines()[0])
    nats = int((data_dir / "nats" / "server.pid").read_text())
    return postgres, nats


def _gone_soon(pids: tuple[int, ...], within: float = 30.0) -> list[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


def _exit(process: CivicProcess, sig: signal.Signals) -> int:
    assert process.proc is not None
    process.proc.send_signal(sig)
    return process.proc.wait(60)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "civic"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_servers_it_started(data_dir, sig):
    process = _serve(data_dir)
    process.start(timeout=120)
    pids = _server_pids(data_dir)
    assert all(_alive(p) for p in pids)
    _exit(process, sig)
    assert _gone_soon(pids) == [], process.log()[-3000:]
    assert live_users(data_dir) == []


def test_servers_another_live_process_uses_keep_running(data_dir):
    first, second = _serve(data_dir), _serve(data_dir)
    first.start(timeout=120)
    second.start(timeout=120)
    pids = _server_pids(data_dir)
    try:
        _exit(first, signal.SIGTERM)
        time.sleep(0.5)
        assert all(_alive(p) for p in pids), first.log()[-3000:]
        assert httpx.get(f"{second.base_url}/ready", timeout=10).status_code == 200
        assert live_users(data_dir) == [second.proc.pid]
    finally:
        _exit(second, signal.SIGTERM)
    assert _gone_soon(pids) == [], second.log()[-3000:]


def test_an_exception_at_start_up_stops_the_servers(data_dir):
    port = free_port()
    with socket.socket() as taken:  # uvicorn cannot bind after the app has started
        taken.bind(("127.0.0.1", port))
        taken.listen()
        process = _serve(data_dir, port)
        process.port = None  # do not wait for it to answer: it cannot
        process.start()
        assert process.proc is not None
        assert process.proc.wait(120) != 0
    assert (data_dir / "pg" / "postmaster.pid").exists() is False or _gone_soon(
        (int((data_dir / "pg" / "postmaster.pid").read_text().splitlines()[0]),)) == []
    log = process.log()
    assert "embedded PostgreSQL stopped" in log and "embedded NATS stopped" in log, log[-3000:]
    assert live_users(data_dir) == []
