"""Reading a document's bytes back: byte ranges, integrity checks, response headers."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import quote

from events.documents import DocumentAttached
from infra.blobstore import BlobMissing, BlobStore, Stepper
from kernel.errors import DomainError
from services.documents.readmodel import DocumentRow, blob_check, record_fault, record_verified
from services.documents.sealing import HEADER, RangeOpener, Sealer, SealError, span

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(DomainError):
    status = 416
    default_code = "range_not_satisfiable"


class Corrupted(DomainError):
    """The stored bytes are not those recorded: never served, reported by ``civic status``."""

    status = 503
    default_code = "document_corrupted"


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive range a ``Range`` header asks for; None for the whole file (also
    for forms we do not serve partially, such as several ranges)."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            raise RangeNotSatisfiable("an empty suffix range", details={"size": size})
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise RangeNotSatisfiable(f"the document has {size} bytes", details={"size": size})
    return start, end


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266: an ASCII fallback name and the exact name as RFC 5987 ``filename*``."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;%' else "_" for ch in filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback or 'document'}\"; filename*=UTF-8''{quote(filename, safe='')}"


def etag(doc: DocumentAttached) -> str:
    return f'"{doc.sha256}"'


def etag_matches(header: str | None, tag: str) -> bool:
    if not header:
        return False
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return "*" in candidates or tag in candidates


async def _ahead(pieces: Iterator[bytes], work: Callable[[bytes], list[bytes]],
                 depth: int = 2) -> AsyncIterator[bytes]:
    """``work`` applied to each piece in the worker thread that read it (hashing and AES-GCM
    let go of the GIL): one hand-off per piece. Up to ``depth`` pieces are read and checked
    ahead while the caller sends the current one; at most ``depth + 1`` are held."""
    source = Stepper(pieces)
    queue: asyncio.Queue[list[bytes] | BaseException | None] = asyncio.Queue(depth)

    async def produce() -> None:
        try:
            while (worked := await asyncio.to_thread(source.step, work)) is not None:
                await queue.put(worked)
            await queue.put(None)
        except Exception as exc:  # noqa: BLE001 - handed to the reading side
            await queue.put(exc)

    task = asyncio.create_task(produce())
    try:
        while (item := await queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            for out in item:
                yield out
    finally:
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        source.close()


def _hashing(digest: Any) -> Callable[[bytes], list[bytes]]:
    def work(piece: bytes) -> list[bytes]:
        digest.update(piece)
        return [piece]

    return work


async def verify(store: BlobStore, blob: str, blob_size: int) -> str | None:
    """Why the stored blob is not what was recorded, or None when it is (re-reads it whole)."""
    size = await store.size(blob)
    if size is None:
        return "missing"
    if size != blob_size:
        return f"size {size}, recorded {blob_size}"
    digest = hashlib.sha256()
    try:
        async for _ in _ahead(store.pieces(blob), _hashing(digest)):
            pass
    except BlobMissing:
        return "missing"
    return None if digest.hexdigest() == blob else "hash mismatch"


async def servable(store: BlobStore, pool: Any, blob: str, blob_size: int) -> str | None:
    """Why the blob must not be served (a fault found before, or now), or None.

    The blob is re-read and re-hashed only when it changed since its hash was last
    verified (its fingerprint differs); otherwise a stat is enough, and the download
    itself is hashed on the way (``body``)."""
    fault, verified = await blob_check(pool, blob)
    if fault is not None:
        return fault
    found = await store.stat(blob)
    if found is not None and found.size == blob_size and found.fingerprint == verified:
        return None
    if found is None:
        reason = "missing"
    elif found.size != blob_size:
        reason = f"size {found.size}, recorded {blob_size}"
    else:
        checked = await verify(store, blob, blob_size)
        if checked is None:
            await record_verified(pool, blob, found.fingerprint)
            return None
        reason = checked
    await record_fault(pool, blob, reason)
    return reason


async def body(store: BlobStore, doc: DocumentAttached | DocumentRow, sealer: Sealer | None,
               start: int, end: int, on_fault: Callable[[str], Awaitable[None]] | None = None,
               ) -> AsyncIterator[bytes]:
    """Plaintext ``[start, end]``, read ahead and checked off the event loop. A full read
    of a plain blob is hashed on the way and a sealed one is authenticated chunk by chunk:
    a mismatch is reported to ``on_fault`` and ends the stream with an error (the client
    sees a truncated response, never wrong bytes as complete)."""
    try:
        if sealer is None:
            whole = (start, end) == (0, doc.size - 1)
            digest = hashlib.sha256()
            work = _hashing(digest) if whole else (lambda piece: [piece])
            held: bytes | None = None  # a whole read keeps its last piece until the hash is known
            async for piece in _ahead(store.pieces(doc.blob, start, end), work):
                if held is not None:
                    yield held
                if whole:
                    held = piece
                else:
                    yield piece
            if whole and digest.hexdigest() != doc.blob:
                if on_fault is not None:
                    await on_fault("hash mismatch")
                raise Corrupted("the document changed while it was read")
            if held is not None:
                yield held
            return
        where = span(doc.size, start, end)
        opener = RangeOpener(sealer, doc.size, start, end)
        async for plain in _ahead(store.pieces(doc.blob, max(where.stored_start, HEADER), where.stored_end),
                                  opener.feed):
            yield plain
        opener.finish()
    except SealError as exc:
        if on_fault is not None:
            await on_fault("does not authenticate")
        raise Corrupted(f"the stored document is damaged: {exc}") from exc
    except BlobMissing as exc:
        if on_fault is not None:
            await on_fault("missing")
        raise Corrupted(f"the stored document is damaged: {exc}") from exc
