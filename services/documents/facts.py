"""What other contexts may know of documents: what is attached to one of their records.

The caller has already decided that the asker may see the parent (a bid before the
opening only to its vendor): the documents follow the parent's visibility.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

import msgspec

from infra.blobstore import BlobStore
from infra.db import Queryable
from infra.settings import Settings
from services.bids.facts import bid_of
from services.documents.decider import DOCUMENT
from services.documents.reading import Corrupted, body, servable
from services.documents.readmodel import (
    DocumentRow,
    documents_by_id,
    documents_of,
    documents_of_each,
    record_fault,
)
from services.documents.sealing import bid_document_sealer
from services.documents.storage import master_of


class AttachedDocument(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: str
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    #: "clean" | "infected" | "unscanned"
    scan: str
    attached_at: datetime
    superseded_by: str | None = None
    expired_at: datetime | None = None
    #: the part of the parent it belongs to ("addendum:2", "question:q1"); None: the parent
    part: str | None = None
    content_url: str


async def attached_to(pool: Queryable, parent_type: str, parent_id: str) -> list[AttachedDocument]:
    """Every version attached to the parent, oldest first (from the read model)."""
    return [AttachedDocument(
        id=r.document_id, kind=r.kind, title=r.title, filename=r.filename, media_type=r.media_type,
        size=r.size, sha256=r.sha256, scan=r.scan, attached_at=r.attached_at, superseded_by=r.superseded_by,
        expired_at=r.expired_at, part=r.part, content_url=f"/api/v1/documents/{r.document_id}/content",
    ) for r in await documents_of(pool, parent_type, parent_id)]


async def attached_to_each(pool: Queryable, parent_type: str, parent_ids: Sequence[str],
                           ) -> dict[str, list[AttachedDocument]]:
    """``attached_to`` for many parents of one type at once (list routes)."""
    found: dict[str, list[AttachedDocument]] = {i: [] for i in parent_ids}
    for r in await documents_of_each(pool, parent_type, parent_ids):
        found[r.parent_id].append(AttachedDocument(
            id=r.document_id, kind=r.kind, title=r.title, filename=r.filename, media_type=r.media_type,
            size=r.size, sha256=r.sha256, scan=r.scan, attached_at=r.attached_at, superseded_by=r.superseded_by,
            expired_at=r.expired_at, part=r.part, content_url=f"/api/v1/documents/{r.document_id}/content"))
    return found


async def attached_among(executor: Any, parent_type: str, parent_id: str,
                         document_ids: Sequence[str]) -> frozenset[str]:
    """Those of ``document_ids`` attached to the parent, read from each document's own
    stream: a document whose upload was answered is found at once (decisions cite
    documents as evidence)."""
    found = set()
    for document_id in set(document_ids):
        state, _ = await executor.load(DOCUMENT, document_id)
        doc = state.attached
        if doc is not None and doc.parent_type == parent_type and doc.parent_id == parent_id:
            found.add(document_id)
    return frozenset(found)


def of_part(documents: Sequence[AttachedDocument], part: str) -> list[AttachedDocument]:
    """The documents that belong to one part of their parent ("addendum:2")."""
    return [d for d in documents if d.part == part]


class DocumentEntry(msgspec.Struct, frozen=True, kw_only=True):
    """A document as a records bundle's manifest describes it: what it is and the hash of
    its bytes."""

    id: str
    parent_type: str
    parent_id: str
    kind: str
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    #: was sealed under the bid key until the opening
    sealed: bool
    attached_at: datetime
    superseded_by: str | None = None

    def entry(self) -> DocumentEntry:
        """Only the manifest's fields (a ``RecordedDocument`` also knows where its bytes are)."""
        return DocumentEntry(**{name: getattr(self, name) for name in DocumentEntry.__struct_fields__})


class RecordedDocument(DocumentEntry, frozen=True, kw_only=True):
    """A document a contracting process's record holds, and the row that finds its bytes."""

    row: DocumentRow


async def for_the_record(executor: Any, pool: Queryable, document_ids: Sequence[str]) -> list[RecordedDocument]:
    """The documents among ``document_ids`` that a contracting process's record may hold:
    everything but a bid's documents before the opening, and a withdrawn bid's ever
    (they stay sealed for everyone but their vendor)."""
    kept = []
    bids: dict[str, bool] = {}
    for r in await documents_by_id(pool, document_ids):
        if r.parent_type == "bid":
            if r.parent_id not in bids:
                facts = await bid_of(pool, r.parent_id)
                bids[r.parent_id] = facts is not None and facts.opened and facts.status != "withdrawn"
            if not bids[r.parent_id]:
                continue
        kept.append(RecordedDocument(
            id=r.document_id, parent_type=r.parent_type, parent_id=r.parent_id, kind=r.kind, title=r.title,
            filename=r.filename, media_type=r.media_type, size=r.size, sha256=r.sha256, sealed=r.sealed,
            attached_at=r.attached_at, superseded_by=r.superseded_by, row=r))
    return kept


async def recorded_content(store: BlobStore, pool: Queryable, settings: Settings,
                           doc: RecordedDocument) -> AsyncIterator[bytes]:
    """The document's bytes (opened, for a bid's after the opening), checked on the way:
    a damaged blob raises ``Corrupted`` (reported to operators like a failed download)."""
    r = doc.row
    reason = await servable(store, pool, r.blob, r.blob_size)
    if reason is not None:
        raise Corrupted(f"the stored copy of document {doc.id} is damaged ({reason})", details={"reason": reason})
    sealer = None
    if r.sealed:
        assert r.solicitation_id and r.vendor_id, "a bid's document names its solicitation and vendor"
        _, master = master_of(settings, r.key_version)
        sealer = bid_document_sealer(master, solicitation_id=r.solicitation_id, bid_id=r.parent_id,
                                     vendor_id=r.vendor_id, plaintext_sha256=r.sha256, key_version=r.key_version)
    async def fault(why: str) -> None:
        await record_fault(pool, r.blob, why)

    async for piece in body(store, r, sealer, 0, r.size - 1, fault):
        yield piece


__all__ = ["AttachedDocument", "Corrupted", "attached_among", "DocumentEntry", "RecordedDocument", "attached_to", "attached_to_each", "for_the_record",
           "of_part", "recorded_content"]
