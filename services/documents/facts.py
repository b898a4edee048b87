"""What other contexts may know of documents: what is attached to one of their records.

The caller has already decided that the asker may see the parent (a bid before the
opening only to its vendor): the documents follow the parent's visibility.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from infra.db import Queryable
from services.documents.readmodel import documents_of


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
    content_url: str


async def attached_to(pool: Queryable, parent_type: str, parent_id: str) -> list[AttachedDocument]:
    """Every version attached to the parent, oldest first (from the read model)."""
    return [AttachedDocument(
        id=r.document_id, kind=r.kind, title=r.title, filename=r.filename, media_type=r.media_type,
        size=r.size, sha256=r.sha256, scan=r.scan, attached_at=r.attached_at, superseded_by=r.superseded_by,
        expired_at=r.expired_at, content_url=f"/api/v1/documents/{r.document_id}/content",
    ) for r in await documents_of(pool, parent_type, parent_id)]
