"""Commands (imperative) for documents, and the facts they carry in."""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class Parent(msgspec.Struct, frozen=True, kw_only=True):
    """What a document's rules need to know of what it is attached to, read at the edge
    from the parent context's facts."""

    type: str  # "solicitation" | "bid" | "vendor" | "contract" | "invoice" | "protest"
    id: str
    agency_id: str | None = None
    vendor_id: str | None = None
    solicitation_id: str | None = None
    #: the parent's lifecycle status, as its context names it
    status: str = ""
    #: a published solicitation: its documents are public
    public: bool = False
    #: the bid's solicitation has been opened
    opened: bool = False
    #: attaching is refused from this time on (a bid's submission deadline)
    accepts_until: datetime | None = None
    #: the parts of the parent a document may belong to ("addendum:2", "certification:c1")
    parts: tuple[str, ...] = ()


class Standing(msgspec.Struct, frozen=True, kw_only=True):
    """The caller's relation to the parent, read at the edge."""

    #: one of the users of the parent's vendor
    vendor_user: bool = False
    #: an evaluator appointed to the parent's solicitation, cleared of conflicts
    cleared_evaluator: bool = False


class StoredFile(msgspec.Struct, frozen=True, kw_only=True):
    """What the upload wrote to the document store."""

    filename: str
    media_type: str
    size: int
    sha256: str
    blob: str
    blob_size: int
    sealed: bool = False
    #: the bid master key version a sealed file is sealed under
    key_version: int = 1
    scan: str = "unscanned"
    scan_signature: str = ""


class Previous(msgspec.Struct, frozen=True, kw_only=True):
    """The document a new version supersedes."""

    document_id: str
    parent_type: str
    parent_id: str
    superseded_by: str | None = None


class AttachDocument(msgspec.Struct, frozen=True, kw_only=True):
    document_id: str
    parent: Parent
    standing: Standing
    stored: StoredFile
    kind: str
    title: str
    supersedes: Previous | None = None
    expires_on: date | None = None
    #: the part of the parent it belongs to ("addendum:2"); None: the parent itself
    part: str | None = None


class SupersedeDocument(msgspec.Struct, frozen=True, kw_only=True):
    superseded_by: str


class ExpireDocument(msgspec.Struct, frozen=True, kw_only=True):
    """Its expiry date has come (sent by the expiry timer)."""


Command = AttachDocument | SupersedeDocument | ExpireDocument
