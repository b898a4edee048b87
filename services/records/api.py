"""HTTP for records: verify the hash chains, the records public key, process bundles."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import tempfile
from collections.abc import AsyncIterator
from typing import Annotated

import msgspec
from asyncpg import Pool
from litestar import Controller, get
from litestar.params import Parameter
from litestar.response import Stream

from infra.blobstore import BlobStore
from infra.clock import Clock
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.errors import error_responses
from infra.settings import Settings
from kernel.context import Actor
from kernel.errors import NotFound
from projections.ocds.facts import process_record
from services.documents.facts import Corrupted, for_the_record, recorded_content
from services.records.bundle import (
    DocumentDamaged,
    bundled_streams,
    document_streams,
    stream_lines,
    write_bundle,
)
from services.records.chain import ChainReport, verify
from services.records.keys import public_key_pem, public_key_text, records_key
from services.records.readmodel import process_of

AUDITORS = ("auditor", "admin")
#: oversight, and the buyers of the agency that ran the process
BUNDLE_READERS = ("auditor", "admin", "buyer")
StreamId = Annotated[str | None, Parameter(query="stream", min_length=1, max_length=200)]


class PublicKey(msgspec.Struct, frozen=True, kw_only=True):
    algorithm: str
    #: the raw 32-byte Ed25519 public key, base64
    public_key: str
    pem: str


class RecordsController(Controller):
    path = "/records"
    tags = ["records"]

    @get("/verify", guards=[requires(*AUDITORS)],
         summary="Recompute the hash chain of every event (or one stream) and every checkpoint;"
                 " name the first event that does not match",
         responses=error_responses(401, 403, 422))
    async def verify(self, pool: Pool, stream: StreamId = None) -> ChainReport:
        async with pool.acquire() as conn:
            return await verify(conn, stream)

    @get("/public-key", summary="The public key that verifies records bundles (Ed25519)",
         responses=error_responses(429))
    async def public_key(self, settings: Settings) -> PublicKey:
        key = records_key(settings).public_key()
        return PublicKey(algorithm="Ed25519", public_key=public_key_text(key), pem=public_key_pem(key))

    @get("/processes/{solicitation_id:str}/bundle", guards=[requires(*BUNDLE_READERS)],
         summary="A ZIP of the contracting process's events, OCDS record and documents, with a"
                 " manifest of SHA-256 hashes signed by the records key (bids only after the opening)",
         responses=error_responses(401, 403, 404, 503), media_type="application/zip")
    async def bundle(self, executor: Executor, pool: Pool, settings: Settings, clock: Clock,
                     document_store: BlobStore, actor: Actor, solicitation_id: str) -> Stream:
        async with pool.acquire() as conn:
            process = await process_of(conn, solicitation_id)
            if process is None or (actor.role == "buyer" and actor.agency != process.agency_id):
                raise NotFound(f"contracting process {solicitation_id} not found")
            chosen = bundled_streams(process)
            documents = await for_the_record(executor, conn, list(document_streams(chosen)))
            # a withdrawn bid's documents stay sealed: neither their stream nor their bytes
            recorded = {document_streams(chosen)[d.id] for d in documents}
            chosen = [(s, kind) for s, kind in chosen if kind not in ("document", "bid_document") or s in recorded]
            # One snapshot: every file of the bundle describes the same moment.
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                streams = {s: await stream_lines(conn, s) for s, _ in chosen}
                ocds = await process_record(conn, settings.ocid_prefix, solicitation_id)
        spool = settings.data_dir / "records" / "spool"
        spool.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="bundle-", suffix=".zip", dir=spool)
        try:
            with os.fdopen(fd, "w+b") as out:
                await write_bundle(out, process, streams, ocds, records_key(settings), clock.now(), [
                    (d.entry(), functools.partial(recorded_content, document_store, pool, settings, d))
                    for d in documents])
                size = out.tell()
        except DocumentDamaged as exc:
            _discard(name)
            raise Corrupted(f"{exc}; the bundle is withheld and the document reported to operators") from exc
        except BaseException:
            _discard(name)
            raise
        return Stream(_sent_then_removed(name), media_type="application/zip", headers={
            "Content-Length": str(size),
            "Content-Disposition": f'attachment; filename="records-{solicitation_id}.zip"'})


def _discard(name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name)


async def _sent_then_removed(name: str) -> AsyncIterator[bytes]:
    """The file a piece at a time; removed once sent (or the client gone)."""
    try:
        with open(name, "rb", buffering=0) as fh:  # noqa: ASYNC230 - opening is not reading
            while piece := await asyncio.to_thread(fh.read, 1024 * 1024):
                yield piece
    finally:
        _discard(name)
