"""A real HTTP receiver on loopback for webhook tests: verifies every signature, keeps
what it accepted, and answers 500 on purpose to the first ``fail_first`` requests."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from infra.embedded import free_port
from services.notifications.signing import DELIVERY_HEADER, HEADER, SignatureError, verify


class Receiver:
    def __init__(self, fail_first: int = 0, always_fail: bool = False) -> None:
        self.secret: str | None = None
        self.fail_first = fail_first
        self.always_fail = always_fail
        self.requests = 0
        self.accepted: list[dict[str, Any]] = []
        self.rejected: list[str] = []
        self.port = free_port()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests += 1
                try:
                    verify(receiver.secret or "", self.headers.get(HEADER, ""), body, now=time.time())
                except SignatureError as exc:
                    receiver.rejected.append(str(exc))
                    self.send_response(400)
                    self.end_headers()
                    return
                if receiver.always_fail or receiver.requests <= receiver.fail_first:
                    self.send_response(500)
                    self.end_headers()
                    return
                delivered = json.loads(body)
                assert delivered["delivery_id"] == self.headers[DELIVERY_HEADER]
                receiver.accepted.append(delivered)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/civic"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
