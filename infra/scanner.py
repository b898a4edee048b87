"""Malware scanning of uploaded bytes: a ``Scanner`` interface and a clamd client.

``ClamdScanner`` speaks clamd's INSTREAM command over TCP (``CIVIC_CLAMD_URL``, e.g.
``tcp://127.0.0.1:3310``): the bytes go in length-prefixed pieces, clamd answers
``stream: OK`` or ``stream: <signature> FOUND``. Without a scanner, documents are
recorded as ``unscanned``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from urllib.parse import urlparse

CLEAN, INFECTED, UNSCANNED = "clean", "infected", "unscanned"


@dataclass(frozen=True)
class Verdict:
    status: str  # CLEAN | INFECTED | UNSCANNED
    signature: str = ""


class ScannerUnavailable(Exception):
    """The scanner could not be reached or did not answer."""


@runtime_checkable  # Litestar checks injected dependencies against their annotation
class Scanner(Protocol):
    async def scan(self, pieces: AsyncIterator[bytes]) -> Verdict: ...


class NoScanner:
    async def scan(self, pieces: AsyncIterator[bytes]) -> Verdict:
        return Verdict(UNSCANNED)


class ClamdScanner:
    #: clamd's default StreamMaxLength is 25 MiB; larger files need it raised in clamd.conf
    PIECE = 64 * 1024

    def __init__(self, url: str, *, timeout: float = 60.0) -> None:
        parsed = urlparse(url)
        if parsed.scheme != "tcp" or not parsed.hostname or not parsed.port:
            raise ValueError(f"CIVIC_CLAMD_URL must look like tcp://host:3310, not {url!r}")
        self.host, self.port, self.timeout = parsed.hostname, parsed.port, timeout

    async def scan(self, pieces: AsyncIterator[bytes]) -> Verdict:
        try:
            return await asyncio.wait_for(self._scan(pieces), self.timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
            raise ScannerUnavailable(f"clamd at {self.host}:{self.port}: {exc!r}") from exc

    async def _scan(self, pieces: AsyncIterator[bytes]) -> Verdict:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(b"zINSTREAM\0")
            async for piece in pieces:
                for i in range(0, len(piece), self.PIECE):
                    part = piece[i:i + self.PIECE]
                    writer.write(len(part).to_bytes(4, "big") + part)
                    await writer.drain()
            writer.write(b"\0\0\0\0")
            await writer.drain()
            reply = (await reader.readuntil(b"\0")).rstrip(b"\0").decode("utf-8", "replace")
        finally:
            writer.close()
        return parse_reply(reply)


def parse_reply(reply: str) -> Verdict:
    """clamd's answer to INSTREAM: ``stream: OK``, ``stream: <name> FOUND`` or an error."""
    _, _, result = reply.partition(": ")
    if result == "OK":
        return Verdict(CLEAN)
    if result.endswith(" FOUND"):
        return Verdict(INFECTED, result[: -len(" FOUND")])
    raise ScannerUnavailable(f"clamd answered {reply!r}")


def scanner_for(url: str | None) -> Scanner:
    return ClamdScanner(url) if url else NoScanner()
