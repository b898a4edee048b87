"""Response bodies of the documents API, and the multipart request body's schema."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import msgspec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

from events.documents import DocumentAttached
from services.documents.readmodel import DocumentRow


class DocumentOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    parent_type: str
    parent_id: str
    kind: str
    title: str
    filename: str
    media_type: str
    size: int
    #: SHA-256 of the bytes a download returns
    sha256: str
    #: encrypted at rest under the solicitation's bid key
    sealed: bool
    #: "clean" | "infected" | "unscanned" (no malware scanner configured)
    scan: str
    supersedes: str | None
    superseded_by: str | None
    superseded_at: datetime | None
    expires_on: date | None
    #: when ``expires_on`` passed (an expired insurance certificate stays readable)
    expired_at: datetime | None
    attached_at: datetime
    content_url: str
    #: the part of the parent it belongs to ("addendum:2", "question:q1", "amendment:1",
    #: "certification:c1"); None: the parent itself
    part: str | None = None


class DocumentList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[DocumentOut]


def document_out(e: DocumentAttached | DocumentRow, superseded_by: str | None, superseded_at: datetime | None,
                 expired_at: datetime | None = None) -> DocumentOut:
    """The metadata of a document, from its event or its read-model row."""
    return DocumentOut(
        id=e.document_id, parent_type=e.parent_type, parent_id=e.parent_id, kind=e.kind, title=e.title,
        filename=e.filename, media_type=e.media_type, size=e.size, sha256=e.sha256, sealed=e.sealed,
        scan=e.scan, supersedes=e.supersedes, superseded_by=superseded_by, superseded_at=superseded_at,
        expires_on=e.expires_on, expired_at=expired_at, attached_at=e.attached_at,
        content_url=f"/api/v1/documents/{e.document_id}/content", part=e.part)


_FORM = Schema(
    type=OpenAPIType.OBJECT,
    required=["file", "title", "kind"],
    properties={
        "file": Schema(type=OpenAPIType.STRING, format="binary",  # type: ignore[arg-type]
                       description="the document; its media type is detected from its bytes"),
        "title": Schema(type=OpenAPIType.STRING, min_length=1, max_length=300),
        "kind": Schema(type=OpenAPIType.STRING, description="what the document is, e.g. rfp, "
                       "technical_proposal, insurance_certificate, signed_contract, invoice, protest_letter"),
        "supersedes": Schema(type=OpenAPIType.STRING, description="the id of the document this "
                             "version replaces (both stay readable)"),
        "expires_on": Schema(type=OpenAPIType.STRING, format="date",  # type: ignore[arg-type]
                             description="when the document stops being valid (an insurance certificate)"),
        "addendum": Schema(type=OpenAPIType.STRING, description="a solicitation's document: the number "
                           "of the addendum it belongs to"),
        "question": Schema(type=OpenAPIType.STRING, description="a solicitation's document: the id of "
                           "the question whose answer it accompanies"),
        "amendment": Schema(type=OpenAPIType.STRING, description="a contract's document: the number of "
                            "the amendment it belongs to"),
        "certification": Schema(type=OpenAPIType.STRING, description="a vendor's document: the id of the "
                                "certification it is evidence for"),
    },
)


@dataclass
class UploadOperation(Operation):
    """An upload route's OpenAPI operation: the multipart/form-data body, one file."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True, description="one file per request, with its title and kind",
            content={"multipart/form-data": OpenAPIMediaType(schema=_FORM)})
