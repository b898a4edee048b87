"""An S3-compatible server (``moto`` in server mode) on loopback, for tests and benchmarks.

It is a real HTTP server process speaking the S3 API; the S3 document store talks to it
exactly as it would to any S3-compatible storage.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass

from infra.embedded import free_port, port_open, stop_process

#: moto accepts any credentials
ACCESS_KEY, SECRET_KEY = "civic-test", "civic-test-secret"


@dataclass(frozen=True)
class LocalS3:
    endpoint: str
    process: subprocess.Popen

    def stop(self) -> None:
        stop_process(self.process)


def start_local_s3(timeout: float = 30.0) -> LocalS3:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while not port_open(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the local S3 server (moto) did not start")
        time.sleep(0.1)
    return LocalS3(endpoint=f"http://127.0.0.1:{port}", process=process)
