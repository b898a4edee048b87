"""Filing a received upload: check its type, scan it, seal it if it is a bid's, and
write it to the document store under its content address."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

from infra.blobstore import BlobStore
from infra.scanner import Scanner, ScannerUnavailable
from kernel.errors import Unavailable, field_error
from services.documents.commands import StoredFile
from services.documents.readmodel import record_verified
from services.documents.sealing import Sealer, SealingWriter
from services.documents.sniff import detect, reconcile
from services.documents.upload import Received, UnsupportedMedia

MAX_FILENAME = 255


def safe_filename(name: str) -> str:
    """The file name as recorded: its last path part, without control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip().strip(".") or "document"
    return cleaned[:MAX_FILENAME]


def media_type_of(received: Received, allowed: tuple[str, ...]) -> str:
    """The media type detected from the bytes; 415 if it is not allowed or disagrees with
    what the client declared; 422 for an empty file."""
    if received.size == 0:
        raise field_error("file", "is empty: a document needs at least one byte", code="empty_file")
    detected = detect(received.head)
    if detected not in allowed:
        raise UnsupportedMedia(f"the file is {detected}, which is not accepted",
                               details={"detected": detected, "accepted": list(allowed)})
    chosen = reconcile(detected, received.declared_type)
    if chosen is None:
        raise UnsupportedMedia(
            f"the file is {detected}, not {received.declared_type} as declared",
            details={"detected": detected, "declared": received.declared_type})
    return chosen


async def scan(scanner: Scanner, received: Received) -> tuple[str, str]:
    try:
        verdict = await scanner.scan(received.spool.apieces())
    except ScannerUnavailable as exc:
        raise Unavailable("the malware scanner is unavailable; retry shortly", code="scanner_unavailable") from exc
    return verdict.status, verdict.signature


def _seal_to(received: Received, sealer: Sealer, target: Path) -> str:
    digest = hashlib.sha256()

    class _Hashing:
        def __init__(self, fh: object) -> None:
            self.fh = fh

        def write(self, data: bytes) -> None:
            digest.update(data)
            self.fh.write(data)  # type: ignore[attr-defined]

    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        writer = SealingWriter(_Hashing(fh), sealer)  # type: ignore[arg-type]
        for piece in received.spool.pieces():
            writer.write(piece)
        writer.close()
    return digest.hexdigest()


async def file_upload(received: Received, *, store: BlobStore, scanner: Scanner, allowed: tuple[str, ...],
                      sealer: Sealer | None, pool: Any = None) -> StoredFile:
    """Store the upload (once per content) and say what was stored. A blob written now is
    recorded as verified (its hash was computed from the bytes as they were written), so
    its first download need not re-read it."""
    media_type = media_type_of(received, allowed)
    status, signature = await scan(scanner, received)
    if sealer is None:
        blob, path = received.sha256, received.spool.path
        sealed_path = None
    else:
        sealed_path = received.spool.path.with_name(received.spool.path.name + ".sealed")
        blob = await asyncio.to_thread(_seal_to, received, sealer, sealed_path)
        path = sealed_path
    try:
        blob_size = path.stat().st_size
        written = await store.put_file(blob, path)
        if written and pool is not None:
            found = await store.stat(blob)
            if found is not None and found.size == blob_size:
                await record_verified(pool, blob, found.fingerprint)
    finally:
        if sealed_path is not None:
            with contextlib.suppress(FileNotFoundError):
                sealed_path.unlink()
    return StoredFile(filename=safe_filename(received.filename), media_type=media_type, size=received.size,
                      sha256=received.sha256, blob=blob, blob_size=blob_size, sealed=sealer is not None,
                      key_version=sealer.key_version if sealer is not None else 1,
                      scan=status, scan_signature=signature)
