"""Reading a document's bytes back: byte ranges, integrity checks, response headers."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from urllib.parse import quote

from events.documents import DocumentAttached
from infra.blobstore import BlobMissing, BlobStore
from kernel.errors import DomainError
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


async def verify(store: BlobStore, blob: str, blob_size: int) -> str | None:
    """Why the stored blob is not what was recorded, or None when it is."""
    size = await store.size(blob)
    if size is None:
        return "missing"
    if size != blob_size:
        return f"size {size}, recorded {blob_size}"
    digest = hashlib.sha256()
    async for piece in store.read(blob):
        digest.update(piece)
    return None if digest.hexdigest() == blob else "hash mismatch"


async def body(store: BlobStore, doc: DocumentAttached, sealer: Sealer | None,
               start: int, end: int) -> AsyncIterator[bytes]:
    """Plaintext ``[start, end]``. A full read of a plain blob is hashed on the way and a
    sealed one is authenticated chunk by chunk: a mismatch ends the stream with an error
    (the client sees a truncated response, never wrong bytes as complete)."""
    try:
        if sealer is None:
            digest = hashlib.sha256() if (start, end) == (0, doc.size - 1) else None
            async for piece in store.read(doc.blob, start, end):
                if digest is not None:
                    digest.update(piece)
                yield piece
            if digest is not None and digest.hexdigest() != doc.blob:
                raise Corrupted("the document changed while it was read")
            return
        where = span(doc.size, start, end)
        opener = RangeOpener(sealer, doc.size, start, end)
        async for piece in store.read(doc.blob, max(where.stored_start, HEADER), where.stored_end):
            for plain in opener.feed(piece):
                yield plain
        opener.finish()
    except (SealError, BlobMissing) as exc:
        raise Corrupted(f"the stored document is damaged: {exc}") from exc
