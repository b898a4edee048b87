"""A lean HTTP/1.1 client for throughput benchmarks: one blocking loopback socket per
request, bodies sent from the caller's buffers and received into one reused buffer.

A pure-Python asynchronous client (httpx reads 64 KiB at a time through several layers)
spends more CPU per byte than the server it measures, which on a small machine makes it
the bottleneck; this one costs about what a file read costs, so a figure through it is
the server's. Only what the benchmarks send is supported: a ``Content-Length`` body both
ways, no chunked responses, no redirects, a new connection each time.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass

PIECE = 1024 * 1024


class WireError(Exception):
    """The server's answer is not a complete HTTP/1.1 response."""


@dataclass(frozen=True)
class Answer:
    status: int
    length: int
    #: the body, or b"" when it was counted and dropped
    body: bytes


def request(port: int, method: str, path: str, headers: dict[str, str], body: Sequence[bytes] = (), *,
            keep_body: bool = True, buffer: bytearray | None = None) -> Answer:
    """Send one request to ``127.0.0.1:port`` and read the whole answer (blocking: run it in
    a worker thread). ``body`` is sent piece after piece, never joined."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
             *(f"{name}: {value}" for name, value in headers.items())]
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {sum(len(piece) for piece in body)}")
    room = memoryview(buffer if buffer is not None else bytearray(PIECE))
    with socket.create_connection(("127.0.0.1", port)) as sock:
        # the body's last small piece must not wait for the acknowledgement of the file's
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        for piece in body:
            sock.sendall(piece)
        head = bytearray()
        while (end := head.find(b"\r\n\r\n")) < 0:
            got = sock.recv_into(room)
            if not got:
                raise WireError("the connection closed before the response's head")
            head += room[:got]
        status, length = _head(bytes(head[:end]))
        kept = [bytes(head[end + 4:])] if keep_body else []
        received = len(head) - end - 4
        while received < length:
            got = sock.recv_into(room, min(len(room), length - received))
            if not got:
                raise WireError(f"the body ended after {received} of {length} bytes")
            received += got
            if keep_body:
                kept.append(bytes(room[:got]))
    return Answer(status=status, length=received, body=b"".join(kept))


def _head(head: bytes) -> tuple[int, int]:
    status_line, *fields = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    length = 0
    for field in fields:
        name, _, value = field.partition(":")
        match name.strip().lower():
            case "content-length":
                length = int(value)
            case "transfer-encoding":
                raise WireError(f"a {value.strip()} body is not supported")
    return status, length
