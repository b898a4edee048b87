"""HTTP for documents: upload to a parent, list a parent's documents, read one.

Uploads are multipart/form-data read as a stream (the JSON body limit does not apply;
the per-file limit does). Downloads stream too, with ranges, an ETag from the hash and
a safe Content-Disposition.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from asyncpg import Pool
from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Stream

from infra.blobstore import BlobStore
from infra.clock import Clock
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.common import IdempotencyKey, id_for_command, scoped_command_id
from infra.http.errors import error_responses
from infra.http.ratelimit import limited
from infra.scanner import Scanner
from infra.settings import Settings
from kernel.context import Actor
from kernel.errors import Conflict, NotFound, field_error
from services.documents.commands import AttachDocument, Previous, SupersedeDocument
from services.documents.decider import DOCUMENT, Document
from services.documents.filing import file_upload
from services.documents.parents import parent_of
from services.documents.reading import (
    Corrupted,
    body,
    byte_range,
    content_disposition,
    etag,
    etag_matches,
    servable,
)
from services.documents.readmodel import documents_of, record_fault
from services.documents.rules import check_attach, check_kind, may_download, may_read
from services.documents.schemas import DocumentList, DocumentOut, UploadOperation, document_out
from services.documents.sealing import Sealer, bid_document_sealer
from services.documents.settings import DocumentSettings
from services.documents.storage import master_of, spool_dir
from services.documents.upload import receive

MAX_TITLE = 300
_INLINE = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")


def _out(state: Document) -> DocumentOut:
    assert state.attached is not None
    return document_out(state.attached, state.superseded_by, state.superseded_at, state.expired_at)


def _sealer(settings: Settings, *, solicitation_id: str | None, bid_id: str, vendor_id: str | None,
            sha256: str, key_version: int | None) -> Sealer:
    """A bid document's sealer: under the active bid key (``key_version`` None) for a new
    upload, else under the version that sealed it."""
    assert solicitation_id and vendor_id, "a bid names its solicitation and vendor"
    version, master = master_of(settings, key_version)
    return bid_document_sealer(master, solicitation_id=solicitation_id, bid_id=bid_id,
                               vendor_id=vendor_id, plaintext_sha256=sha256, key_version=version)


async def _previous(executor: Executor, document_id: str | None) -> Previous | None:
    if not document_id:
        return None
    state, _ = await executor.load(DOCUMENT, document_id)
    if state.attached is None:
        raise field_error("supersedes", f"document {document_id} not found")
    return Previous(document_id=document_id, parent_type=state.attached.parent_type,
                    parent_id=state.attached.parent_id, superseded_by=state.superseded_by)


def _expires_on(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise field_error("expires_on", "must be a date (YYYY-MM-DD)") from None


def _part(fields: dict[str, str]) -> str | None:
    """The part of the parent the form names ("addendum:2"), at most one."""
    named = [(name, fields[name].strip()) for name in ("addendum", "question", "amendment", "certification")
             if fields.get(name, "").strip()]
    if len(named) > 1:
        raise field_error(named[1][0], "name at most one part of the parent")
    return f"{named[0][0]}:{named[0][1]}" if named else None


class Uploading(NamedTuple):
    """What an upload route was given: the core and the documents component's own."""

    executor: Executor
    pool: Pool
    clock: Clock
    settings: Settings
    store: BlobStore
    scanner: Scanner
    documents: DocumentSettings


async def upload(deps: Uploading, actor: Actor, request: Request[Any, Any, Any], parent_type: str,
                 parent_id: str, idempotency_key: str | None) -> DocumentOut:
    """Attach one uploaded file to a parent (the whole flow of every upload route)."""
    found = await parent_of(deps.executor, deps.pool, actor, parent_type, parent_id)
    if found is None:
        raise NotFound(f"{parent_type} {parent_id} not found")
    parent, standing = found
    await deps.clock.refresh()
    check_attach(actor, standing, parent, deps.clock.now())  # before reading any of the body
    settings = deps.documents
    length = request.headers.get("content-length")
    received = await receive(
        request.stream(), content_type=request.headers.get("content-type"),
        content_length=int(length) if length and length.isdigit() else None,
        limit=settings.max_bytes, spool_dir=spool_dir(deps.settings), seal=parent.type == "bid")
    try:
        fields = received.fields
        kind, title = fields.get("kind", "").strip(), fields.get("title", "").strip()
        if not kind:
            raise field_error("kind", "is required")
        check_kind(parent.type, kind)
        if not title:
            raise field_error("title", "is required")
        if len(title) > MAX_TITLE:
            raise field_error("title", f"at most {MAX_TITLE} characters")
        previous = await _previous(deps.executor, fields.get("supersedes"))
        expires_on = _expires_on(fields.get("expires_on"))
        part = _part(fields)
        sealer = None
        if parent.type == "bid":
            sealer = _sealer(deps.settings, solicitation_id=parent.solicitation_id, bid_id=parent.id,
                             vendor_id=parent.vendor_id, sha256=received.sha256, key_version=None)
        stored = await file_upload(received, store=deps.store, scanner=deps.scanner,
                                   allowed=settings.allowed_types, sealer=sealer, pool=deps.pool)
    finally:
        received.spool.close()
    command_id = scoped_command_id(idempotency_key, actor.sub, f"documents.upload.{parent_type}")
    document_id = id_for_command("doc", command_id)
    command = AttachDocument(document_id=document_id, parent=parent, standing=standing, stored=stored,
                             kind=kind, title=title, supersedes=previous, expires_on=expires_on, part=part)
    async with deps.pool.acquire() as conn, conn.transaction():
        outcome = await deps.executor.execute(DOCUMENT, document_id, command, actor,
                                              command_id=command_id, conn=conn)
        if previous is not None and not outcome.duplicate:
            await deps.executor.execute(DOCUMENT, previous.document_id,
                                        SupersedeDocument(superseded_by=document_id), actor,
                                        command_id=f"documents.supersede:{document_id}", conn=conn)
    return _out(outcome.state)


async def listing(executor: Executor, pool: Pool, actor: Actor | None, parent_type: str,
                  parent_id: str) -> DocumentList:
    found = await parent_of(executor, pool, actor, parent_type, parent_id)
    if found is None or not may_read(actor, found[1], found[0]):
        raise NotFound(f"{parent_type} {parent_id} not found")
    rows = await documents_of(pool, parent_type, parent_id)
    items = [document_out(r, r.superseded_by, r.superseded_at, r.expired_at) for r in rows]
    return DocumentList(items=items)


_UPLOADERS = {
    "solicitation": ("solicitations", ("buyer",)),
    "bid": ("bids", ("vendor",)),
    "vendor": ("vendors", ("vendor",)),
    "contract": ("contracts", ("buyer", "vendor")),
    "invoice": ("invoices", ("vendor",)),
    "protest": ("protests", ("vendor", "buyer")),
}
_READERS = {
    "bid": ("vendor", "buyer", "evaluator", "auditor", "admin"),
    "vendor": ("vendor", "admin", "auditor"),
    "contract": ("buyer", "vendor", "finance", "auditor", "admin"),
    "invoice": ("vendor", "finance", "buyer", "auditor", "admin"),
    "protest": ("vendor", "buyer", "auditor", "admin"),
}


def _parent_routes(parent_type: str) -> list[Any]:
    """The upload and list routes of one parent type."""
    collection, writers = _UPLOADERS[parent_type]
    path = f"/{collection}/{{parent_id:str}}/documents"
    title = parent_type.capitalize()

    # an upload: counted per vendor (or user) and per address, CIVIC_RATE_LIMIT_UPLOADS a minute
    @post(path, guards=[requires(*writers), limited("uploads")], tags=["documents"], operation_class=UploadOperation,
          operation_id=f"upload{title}Document", request_max_body_size=None,
          summary=f"Attach a document to a {parent_type} (multipart/form-data: file, title, kind)",
          responses=error_responses(401, 403, 404, 409, 413, 415, 422, 429, 503))
    async def attach(executor: Executor, pool: Pool, clock: Clock, settings: Settings,
                     document_store: BlobStore, scanner: Scanner, document_settings: DocumentSettings,
                     actor: Actor, request: Request[Any, Any, Any], parent_id: str,
                     idempotency_key: IdempotencyKey = None) -> DocumentOut:
        deps = Uploading(executor, pool, clock, settings, document_store, scanner, document_settings)
        return await upload(deps, actor, request, parent_type, parent_id, idempotency_key)

    readers = _READERS.get(parent_type)
    public = readers is None

    @get(path, guards=[requires(*readers)] if readers else [], tags=["documents"],
         operation_id=f"list{title}Documents",
         security=[{}, {"BearerToken": []}] if public else None,
         summary=f"The documents of a {parent_type} you may read (each version, oldest first)",
         responses=error_responses(401, 404) if public else error_responses(401, 403, 404))
    async def documents(executor: Executor, pool: Pool, maybe_actor: Actor | None,
                        parent_id: str) -> DocumentList:
        return await listing(executor, pool, maybe_actor, parent_type, parent_id)

    return [attach, documents]


async def _readable(executor: Executor, pool: Pool, actor: Actor | None, document_id: str) -> Document:
    state, _ = await executor.load(DOCUMENT, document_id)
    doc = state.attached
    missing = NotFound(f"document {document_id} not found")
    if doc is None:
        raise missing
    found = await parent_of(executor, pool, actor, doc.parent_type, doc.parent_id)
    if found is None or not may_read(actor, found[1], found[0]):
        raise missing  # a sealed bid's documents: not even their existence
    return state


class DocumentController(Controller):
    path = "/documents"
    tags = ["documents"]

    @get("/{document_id:str}", security=[{}, {"BearerToken": []}],
         summary="A document's metadata (public solicitation documents need no token)",
         responses=error_responses(401, 404))
    async def read(self, executor: Executor, pool: Pool, maybe_actor: Actor | None,
                   document_id: str) -> DocumentOut:
        return _out(await _readable(executor, pool, maybe_actor, document_id))

    @get("/{document_id:str}/content", security=[{}, {"BearerToken": []}],
         summary="A document's bytes: Range (206), If-None-Match (304), ETag from the SHA-256",
         responses={
             206: ResponseSpec(data_container=bytes, description="the requested byte range",
                               generate_examples=False),
             304: ResponseSpec(data_container=None, description="not modified (If-None-Match)"),
             **error_responses(401, 404, 409, 416, 503),
         })
    async def content(self, executor: Executor, pool: Pool, settings: Settings, document_store: BlobStore,
                      maybe_actor: Actor | None, document_id: str,
                      request: Request[Any, Any, Any]) -> Response[Any]:
        state = await _readable(executor, pool, maybe_actor, document_id)
        doc = state.attached
        assert doc is not None
        if not may_download(maybe_actor, doc.scan, doc.uploaded_by):
            raise Conflict("the document failed its malware scan; only its uploader may download it",
                           code="infected", details={"signature": doc.scan_signature})
        tag = etag(doc)
        headers = {"ETag": tag, "Accept-Ranges": "bytes", "X-Content-Type-Options": "nosniff",
                   "Content-Disposition": content_disposition(doc.filename, inline=doc.media_type in _INLINE),
                   "Cache-Control": "private, no-cache" if maybe_actor or doc.sealed else "public, no-cache"}
        if etag_matches(request.headers.get("if-none-match"), tag):
            return Response(content=b"", status_code=304, headers=headers)
        store = document_store
        reason = await servable(store, pool, doc.blob, doc.blob_size)
        if reason is not None:
            raise Corrupted(f"the stored copy of document {document_id} is damaged ({reason}); "
                            "it is withheld and reported to operators", details={"reason": reason})
        wanted = byte_range(request.headers.get("range"), doc.size)
        start, end = wanted or (0, doc.size - 1)
        sealer = _sealer(settings, solicitation_id=doc.solicitation_id, bid_id=doc.parent_id,
                         vendor_id=doc.vendor_id, sha256=doc.sha256, key_version=doc.key_version) if doc.sealed else None
        headers["Content-Length"] = str(end - start + 1)
        status = 200
        if wanted is not None:
            headers["Content-Range"] = f"bytes {start}-{end}/{doc.size}"
            status = 206

        async def fault(reason: str) -> None:
            await record_fault(pool, doc.blob, reason)

        return Stream(body(store, doc, sealer, start, end, fault), status_code=status, headers=headers,
                      media_type=doc.media_type)


ROUTES: list[Any] = [DocumentController, *[r for p in _UPLOADERS for r in _parent_routes(p)]]
