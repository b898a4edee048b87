"""The documents' own read model: what is attached to each parent, and corrupted blobs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import msgspec

from events.documents import DocumentAttached, DocumentExpired, DocumentSuperseded
from infra.eventstore import RecordedEvent
from projections.base import types_of


class DocumentRow(msgspec.Struct, frozen=True, kw_only=True):
    document_id: str
    parent_type: str
    parent_id: str
    kind: str
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    blob: str
    blob_size: int
    sealed: bool
    solicitation_id: str | None
    agency_id: str | None
    vendor_id: str | None
    scan: str
    supersedes: str | None
    superseded_by: str | None
    superseded_at: datetime | None
    expires_on: date | None
    uploaded_by: str
    attached_at: datetime
    expired_at: datetime | None = None
    part: str | None = None
    key_version: int = 1


_COLUMNS = tuple(DocumentRow.__struct_fields__)
_INSERT = (
    f"INSERT INTO documents ({', '.join(_COLUMNS)}) VALUES "
    f"({', '.join(f'${i + 1}' for i in range(len(_COLUMNS)))}) ON CONFLICT (document_id) DO NOTHING"
)


class DocumentsProjection:
    name = "documents"
    tables: Sequence[str] = ("documents",)
    types: frozenset[str] | None = types_of(DocumentAttached, DocumentSuperseded, DocumentExpired)

    async def apply(self, conn: Any, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:
            match recorded.event:
                case DocumentAttached() as e:
                    row = {**msgspec.structs.asdict(e), "superseded_by": None, "superseded_at": None,
                           "expired_at": None}
                    await conn.execute(_INSERT, *(row[c] for c in _COLUMNS))
                case DocumentSuperseded() as e:
                    await conn.execute(
                        "UPDATE documents SET superseded_by = $2, superseded_at = $3 WHERE document_id = $1",
                        e.document_id, e.superseded_by, e.superseded_at)
                case DocumentExpired() as e:
                    await conn.execute("UPDATE documents SET expired_at = $2 WHERE document_id = $1",
                                       e.document_id, e.expired_at)


async def documents_of(pool: Any, parent_type: str, parent_id: str) -> list[DocumentRow]:
    rows = await pool.fetch(
        f"SELECT {', '.join(_COLUMNS)} FROM documents WHERE parent_type = $1 AND parent_id = $2"
        " ORDER BY attached_at, document_id", parent_type, parent_id)
    return [DocumentRow(**dict(r)) for r in rows]


async def documents_of_each(pool: Any, parent_type: str, parent_ids: Sequence[str]) -> list[DocumentRow]:
    rows = await pool.fetch(
        f"SELECT {', '.join(_COLUMNS)} FROM documents WHERE parent_type = $1 AND parent_id = ANY($2::text[])"
        " ORDER BY attached_at, document_id", parent_type, list(parent_ids))
    return [DocumentRow(**dict(r)) for r in rows]


async def documents_by_id(pool: Any, document_ids: Sequence[str]) -> list[DocumentRow]:
    rows = await pool.fetch(
        f"SELECT {', '.join(_COLUMNS)} FROM documents WHERE document_id = ANY($1::text[])"
        " ORDER BY attached_at, document_id", list(document_ids))
    return [DocumentRow(**dict(r)) for r in rows]


async def public_solicitation_documents(conn: Any, solicitation_ids: Sequence[str]) -> list[DocumentRow]:
    rows = await conn.fetch(
        f"SELECT {', '.join(_COLUMNS)} FROM documents WHERE parent_type = 'solicitation'"
        " AND parent_id = ANY($1::text[]) ORDER BY attached_at, document_id", list(solicitation_ids))
    return [DocumentRow(**dict(r)) for r in rows]


async def stored_blobs(pool: Any) -> list[tuple[str, int]]:
    """Every blob a document points to, with its stored size."""
    rows = await pool.fetch("SELECT DISTINCT blob, blob_size FROM documents ORDER BY blob")
    return [(r["blob"], r["blob_size"]) for r in rows]


async def record_fault(pool: Any, blob: str, reason: str) -> None:
    await pool.execute(
        "INSERT INTO document_blob_faults (blob, reason) VALUES ($1, $2)"
        " ON CONFLICT (blob) DO UPDATE SET reason = EXCLUDED.reason, detected_at = now()", blob, reason)


async def blob_check(pool: Any, blob: str) -> tuple[str | None, str | None]:
    """The blob's recorded fault, and its fingerprint when its hash was last verified."""
    row = await pool.fetchrow(
        "SELECT (SELECT reason FROM document_blob_faults WHERE blob = $1) AS reason,"
        " (SELECT fingerprint FROM document_blob_checks WHERE blob = $1) AS fingerprint", blob)
    return row["reason"], row["fingerprint"]


async def record_verified(pool: Any, blob: str, fingerprint: str) -> None:
    await pool.execute(
        "INSERT INTO document_blob_checks (blob, fingerprint) VALUES ($1, $2)"
        " ON CONFLICT (blob) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, verified_at = now()",
        blob, fingerprint)


async def clear_fault(pool: Any, blob: str) -> None:
    await pool.execute("DELETE FROM document_blob_faults WHERE blob = $1", blob)


async def fault_of(pool: Any, blob: str) -> str | None:
    return await pool.fetchval("SELECT reason FROM document_blob_faults WHERE blob = $1", blob)


async def faults(pool: Any) -> list[tuple[str, str]]:
    rows = await pool.fetch("SELECT blob, reason FROM document_blob_faults ORDER BY blob")
    return [(r["blob"], r["reason"]) for r in rows]
