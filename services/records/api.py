"""HTTP for records: verify the hash chains, the records public key, process bundles."""

from __future__ import annotations

from typing import Annotated

import msgspec
from asyncpg import Pool
from litestar import Controller, get
from litestar.params import Parameter
from litestar.response import Response

from infra.clock import Clock
from infra.http.auth import requires
from infra.http.errors import error_responses
from infra.settings import Settings
from kernel.context import Actor
from kernel.errors import NotFound
from projections.ocds.facts import process_record
from services.records.bundle import build, bundled_streams, stream_lines
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
         responses=error_responses(401, 403, 404), media_type="application/zip")
    async def bundle(self, pool: Pool, settings: Settings, clock: Clock, actor: Actor,
                     solicitation_id: str) -> Response[bytes]:
        async with pool.acquire() as conn:
            process = await process_of(conn, solicitation_id)
            if process is None or (actor.role == "buyer" and actor.agency != process.agency_id):
                raise NotFound(f"contracting process {solicitation_id} not found")
            # One snapshot: every file of the bundle describes the same moment.
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                streams = {s: await stream_lines(conn, s) for s, _ in bundled_streams(process)}
                ocds = await process_record(conn, settings.ocid_prefix, solicitation_id)
        data = build(process, streams, ocds, records_key(settings), clock.now())
        return Response(data, media_type="application/zip", headers={
            "Content-Disposition": f'attachment; filename="records-{solicitation_id}.zip"'})
