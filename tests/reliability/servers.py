"""PostgreSQL and NATS servers of a test's own, on loopback ports, to stop, kill and start
again without touching the servers other tests share."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from infra.embedded import free_port, nats_server_binary, port_open
from infra.settings import PROJECT_ROOT

DEPLOYED_NATS = PROJECT_ROOT / "infra" / "deploy" / "nats"
NATS_PASSWORD = "loopback-test-password"


def wait_for_port(port: int, *, timeout: float = 20.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not port_open(port):
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the process for port {port} exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")
        time.sleep(0.05)


class OwnPostgres:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only.

    PostgreSQL refuses to run as root; as root it runs as the ``pgserver`` system user,
    like the embedded server.
    """

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="civic-pg-"))
        self.pgdata = self.folder / "data"
        self.port = free_port()
        self.user: str | None = None
        if os.geteuid() == 0:
            from pgserver.utils import ensure_prefix_permissions, ensure_user_exists

            self.user = "pgserver"
            entry = ensure_user_exists(self.user)
            ensure_prefix_permissions(self.folder)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        from pgserver._commands import initdb

        initdb(["--auth=trust", "--encoding=utf8", "-U", "postgres"], pgdata=self.pgdata, user=self.user)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str, timeout: float = 30) -> None:
        from pgserver._commands import pg_ctl

        pg_ctl(list(args), pgdata=self.pgdata, user=self.user, timeout=timeout)

    def start(self) -> None:
        self._pg_ctl("-w", "-o", f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=200",
                     "-l", str(self.folder / "log"), "start")
        wait_for_port(self.port)

    def stop(self, mode: str = "fast") -> None:
        """``fast`` disconnects clients and shuts down cleanly; ``immediate`` is a crash."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg_ctl("-w", "-m", mode, "stop")

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class NatsNode:
    """One nats-server with JetStream; with ``routes`` a member of a cluster."""

    def __init__(self, folder: Path, name: str, *, port: int | None = None,
                 cluster_port: int | None = None, routes: list[int] | None = None,
                 cluster_name: str = "civic", template: Path | None = None) -> None:
        self.folder = folder
        self.name = name
        self.port = port or free_port()
        self.cluster_port = cluster_port
        self.routes = routes or []
        self.cluster_name = cluster_name
        self.template = template
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def config(self) -> str:
        if self.template is not None:
            return self._from_template(self.template.read_text())
        lines = [
            f'server_name: "{self.name}"',
            f'listen: "127.0.0.1:{self.port}"',
            "jetstream {",
            f'  store_dir: "{self.folder / self.name}"',
            "}",
        ]
        if self.cluster_port is not None:
            routes = ", ".join(f'"nats-route://127.0.0.1:{p}"' for p in self.routes)
            lines += [
                "cluster {",
                f'  name: "{self.cluster_name}"',
                f'  listen: "127.0.0.1:{self.cluster_port}"',
                f"  routes: [{routes}]",
                "}",
            ]
        return "\n".join(lines) + "\n"

    def _from_template(self, text: str) -> str:
        """The deployed configuration with loopback addresses and folders of the test's own.

        Only addresses change, and one setting: ``no_advertise`` is off, because on
        loopback no load balancer stands in front of the nodes, so clients learn the
        other nodes from the cluster instead.
        """
        routes = "\n".join(f"    nats-route://127.0.0.1:{p}" for p in self.routes)
        text = re.sub(r"server_name: \S+", f"server_name: {self.name}", text)
        text = re.sub(r"(?m)^listen: \S+", f"listen: 127.0.0.1:{self.port}", text)
        text = re.sub(r"(?m)^http: \S+\n", "", text)
        text = re.sub(r"store_dir: \S+", f'store_dir: "{self.folder / self.name}"', text)
        text = re.sub(r"(?m)^  listen: \S+", f"  listen: 127.0.0.1:{self.cluster_port}", text)
        text = re.sub(r"routes: \[[^\]]*\]", f"routes: [\n{routes}\n  ]", text)
        return text.replace("no_advertise: true", "no_advertise: false")

    def start(self, *, wait: bool = True) -> None:
        conf = self.folder / f"{self.name}.conf"
        conf.write_text(self.config())
        self.proc = subprocess.Popen(
            [nats_server_binary(), "-c", str(conf), "-l", str(self.folder / f"{self.name}.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "CIVIC_NATS_PASSWORD": NATS_PASSWORD},
        )
        if wait:
            wait_for_port(self.port, proc=self.proc)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)
        self.kill()


class OwnNats:
    """A single nats-server, or the deployed 3-node cluster (``infra/deploy/nats``) on loopback."""

    def __init__(self, *, cluster: bool = False) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="civic-nats-"))
        self.cluster = cluster
        if not cluster:
            self.nodes = [NatsNode(self.folder, "n1")]
        else:
            templates = sorted(DEPLOYED_NATS.glob("civic-nats-*.conf"))
            assert len(templates) == 3, f"expected three node configurations in {DEPLOYED_NATS}"
            cluster_ports = [free_port() for _ in templates]
            self.nodes = [
                NatsNode(self.folder, template.stem, cluster_port=cluster_ports[i], template=template,
                         routes=[p for j, p in enumerate(cluster_ports) if j != i])
                for i, template in enumerate(templates)
            ]

    @property
    def url(self) -> str:
        """The first node's address (with the deployed credentials for the cluster): a
        client learns the others from it and fails over."""
        node = self.nodes[0]
        return f"nats://civic:{NATS_PASSWORD}@127.0.0.1:{node.port}" if self.cluster else node.url

    @property
    def urls(self) -> str:
        """Every node's address, comma-separated, as NATS_URL takes it in production: a
        client fails over to any node without relying on the cluster's discovery."""
        return ",".join(self.url_of(node) for node in self.nodes)

    def url_of(self, node: NatsNode) -> str:
        return f"nats://civic:{NATS_PASSWORD}@127.0.0.1:{node.port}" if self.cluster else node.url

    def start(self) -> None:
        for node in self.nodes:
            node.start(wait=False)
        for node in self.nodes:
            wait_for_port(node.port, proc=node.proc)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
