"""The document aggregate: attached once, superseded at most once, never deleted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import msgspec

from events.base import Event
from events.documents import DocumentAttached, DocumentExpired, DocumentSuperseded
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict, NotFound, field_error
from kernel.timers import Timer, timer
from services.documents.commands import AttachDocument, Command, ExpireDocument, SupersedeDocument
from services.documents.rules import check_attach, check_kind, check_part

#: timer kind: a document's expiry date (an insurance certificate) has come
DOCUMENT_EXPIRY = "documents.expiry"


class Document(msgspec.Struct, frozen=True, kw_only=True):
    attached: DocumentAttached | None = None
    superseded_by: str | None = None
    superseded_at: datetime | None = None
    expired_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.attached is not None


def _attach(command: AttachDocument, state: Document, ctx: Context) -> list[Event]:
    if state.exists:
        raise Conflict(f"document {command.document_id} exists", code="exists")
    parent, stored = command.parent, command.stored
    check_attach(ctx.actor, command.standing, parent, ctx.now)
    check_kind(parent.type, command.kind)
    check_part(parent, command.part)
    if not command.title.strip():
        raise field_error("title", "must not be blank")
    if stored.size <= 0:
        raise field_error("file", "is empty: a document needs at least one byte", code="empty_file")
    if stored.sealed != (parent.type == "bid"):
        raise Conflict("a bid's documents, and only those, are sealed", code="sealing")
    previous = command.supersedes
    if previous is not None:
        if (previous.parent_type, previous.parent_id) != (parent.type, parent.id):
            raise field_error("supersedes", f"document {previous.document_id} belongs to another {parent.type}")
        if previous.superseded_by is not None:
            raise Conflict(f"document {previous.document_id} was already superseded by {previous.superseded_by}",
                           code="already_superseded")
    return [DocumentAttached(
        document_id=command.document_id, parent_type=parent.type, parent_id=parent.id,
        kind=command.kind, title=command.title.strip(), filename=stored.filename,
        media_type=stored.media_type, size=stored.size, sha256=stored.sha256, blob=stored.blob,
        blob_size=stored.blob_size, sealed=stored.sealed, key_version=stored.key_version,
        solicitation_id=parent.solicitation_id,
        agency_id=parent.agency_id, vendor_id=parent.vendor_id, scan=stored.scan,
        scan_signature=stored.scan_signature,
        supersedes=previous.document_id if previous else None, expires_on=command.expires_on,
        uploaded_by=ctx.actor.sub, attached_at=ctx.now, part=command.part,
    )]


def _supersede(command: SupersedeDocument, state: Document, ctx: Context) -> list[Event]:
    if state.attached is None:
        raise NotFound("document not found")
    if state.superseded_by == command.superseded_by:
        return []
    if state.superseded_by is not None:
        raise Conflict(f"the document was already superseded by {state.superseded_by}",
                       code="already_superseded")
    return [DocumentSuperseded(document_id=state.attached.document_id, parent_type=state.attached.parent_type,
                               parent_id=state.attached.parent_id, superseded_by=command.superseded_by,
                               superseded_at=ctx.now)]


def expiry_instant(expires_on: date) -> datetime:
    """A document valid through ``expires_on`` is expired from the next day (UTC), as a
    vendor's certification is."""
    return datetime.combine(expires_on + timedelta(days=1), time(0), tzinfo=UTC)


def _expire(state: Document, ctx: Context) -> list[Event]:
    doc = state.attached
    if doc is None or doc.expires_on is None or state.expired_at is not None:
        return []
    if ctx.now < expiry_instant(doc.expires_on):
        return []  # woken early: nothing is due yet
    return [DocumentExpired(document_id=doc.document_id, parent_type=doc.parent_type, parent_id=doc.parent_id,
                            kind=doc.kind, expired_on=doc.expires_on, expired_at=ctx.now)]


def timers(event: Event) -> Iterable[Timer]:
    match event:
        case DocumentAttached() if event.expires_on is not None:
            return [timer(DOCUMENT_EXPIRY, f"document-{event.document_id}", expiry_instant(event.expires_on))]
    return []


def decide(command: Command, state: Document, ctx: Context) -> list[Event]:
    match command:
        case ExpireDocument():
            return _expire(state, ctx)
        case AttachDocument():
            return _attach(command, state, ctx)
        case SupersedeDocument():
            return _supersede(command, state, ctx)
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve(state: Document, event: Event) -> Document:
    match event:
        case DocumentAttached():
            return msgspec.structs.replace(state, attached=event)
        case DocumentSuperseded():
            return msgspec.structs.replace(state, superseded_by=event.superseded_by,
                                           superseded_at=event.superseded_at)
        case DocumentExpired():
            return msgspec.structs.replace(state, expired_at=event.expired_at)
    return state


DOCUMENT = Decider(stream_prefix="document", initial=Document, decide=decide, evolve=evolve, timers=timers)
