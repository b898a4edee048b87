"""Document events: a file attached to a solicitation, bid, vendor, contract, invoice or
protest. The bytes live in the document store; the event records what they are.

``blob`` is the store's content address: the SHA-256 of the stored bytes, which for a
sealed document are ciphertext. ``sha256`` is the hash of the plaintext a reader gets;
the API shows it only to those who may read the document.

Who uploaded a document is personal data (a user), and so are the title and file name of
a vendor's documents, which often name a person (a sole proprietor's W-9, an insurance
certificate): they are sealed under the uploader's and the vendor's keys, so forgetting
either leaves the rest of the record, and the bytes' hashes, as they were.
"""

from __future__ import annotations

from datetime import date, datetime

from events.base import Event, PersonalData


class DocumentAttached(Event, frozen=True, kw_only=True, tag="documents.DocumentAttached.v1"):
    PERSONAL = (PersonalData(fields=("uploaded_by",), subject="uploaded_by", kind="user", holder="vendor_id"),
                PersonalData(fields=("title", "filename"), subject="vendor_id", kind="vendor", holder="vendor_id"))

    document_id: str
    #: "solicitation" | "bid" | "vendor" | "contract" | "invoice" | "protest"
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
    #: encrypted under the key of ``solicitation_id`` (a bid's documents), derived from
    #: bid master key ``key_version`` (documents sealed before versions existed: 1)
    sealed: bool = False
    key_version: int = 1
    solicitation_id: str | None = None
    agency_id: str | None = None
    vendor_id: str | None = None
    #: "clean" | "infected" | "unscanned" (no scanner configured)
    scan: str = "unscanned"
    scan_signature: str = ""
    supersedes: str | None = None
    expires_on: date | None = None
    uploaded_by: str
    attached_at: datetime
    #: the part of the parent it belongs to: "addendum:<number>", "question:<id>" (an
    #: answer's attachment), "amendment:<number>", "certification:<id>"; None: the parent
    part: str | None = None


class DocumentSuperseded(Event, frozen=True, kw_only=True, tag="documents.DocumentSuperseded.v1"):
    """A newer version replaced this document; both stay readable."""

    document_id: str
    parent_type: str
    parent_id: str
    superseded_by: str
    superseded_at: datetime


class DocumentExpired(Event, frozen=True, kw_only=True, tag="documents.DocumentExpired.v1"):
    """A document with an expiry date (an insurance certificate) stopped being valid."""

    document_id: str
    parent_type: str
    parent_id: str
    kind: str
    expired_on: date
    expired_at: datetime
