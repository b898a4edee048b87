"""Vendor events: registration, profile, certifications, users and the exclusion list.

Tax ids (US EIN, ``NN-NNNNNNN``) travel in these events because the store is the system
of record; read models decide who may see them (never other vendors or the public).
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from events.base import Event, PersonalData

#: a contact's name, email, phone and title are one person's data, keyed by their email
CONTACTS = PersonalData(each="contacts", fields=("name", "email", "phone", "title"), subject="email",
                        kind="contact", holder="vendor_id")
#: a tax id is the business's: encrypted at rest under the vendor's key
TAX_ID = PersonalData(fields=("tax_id",), subject="vendor_id", kind="vendor", holder="vendor_id")


class Address(msgspec.Struct, frozen=True, kw_only=True):
    line1: str
    city: str
    state: str
    zip: str
    line2: str = ""


class Contact(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    email: str
    phone: str = ""
    title: str = ""


class DocumentRef(msgspec.Struct, frozen=True, kw_only=True):
    """Metadata of a supporting document; the file itself lives in the document store."""

    name: str
    media_type: str
    sha256: str
    size: int


class VendorRegistered(Event, frozen=True, kw_only=True, tag="vendors.VendorRegistered.v1"):
    PERSONAL = (CONTACTS, TAX_ID)

    vendor_id: str
    owner: str
    legal_name: str
    dba: str = ""
    tax_id: str
    address: Address
    contacts: list[Contact] = []
    employees: int
    revenue_band: str
    commodity_codes: list[str] = []
    local_agencies: list[str] = []
    #: what the business does, in its own words (public; matching reads it)
    capability_statement: str = ""


class VendorProfileUpdated(Event, frozen=True, kw_only=True, tag="vendors.VendorProfileUpdated.v1"):
    """Only the fields that changed are set; ``None`` means unchanged."""

    PERSONAL = (CONTACTS,)

    vendor_id: str
    legal_name: str | None = None
    dba: str | None = None
    address: Address | None = None
    contacts: list[Contact] | None = None
    employees: int | None = None
    revenue_band: str | None = None
    commodity_codes: list[str] | None = None
    local_agencies: list[str] | None = None
    capability_statement: str | None = None


class VendorFlaggedExcluded(Event, frozen=True, kw_only=True, tag="vendors.VendorFlaggedExcluded.v1"):
    """The vendor matched the exclusion list when it registered (or when a later entry named it)."""

    vendor_id: str
    exclusion_ids: list[str]
    reasons: list[str]


class VendorSubmitted(Event, frozen=True, kw_only=True, tag="vendors.VendorSubmitted.v1"):
    vendor_id: str
    submitted_at: datetime | None = None


class VendorApproved(Event, frozen=True, kw_only=True, tag="vendors.VendorApproved.v1"):
    vendor_id: str
    approved_at: datetime
    expires_at: datetime


class VendorRejected(Event, frozen=True, kw_only=True, tag="vendors.VendorRejected.v1"):
    vendor_id: str
    reason: str


class VendorRenewed(Event, frozen=True, kw_only=True, tag="vendors.VendorRenewed.v1"):
    vendor_id: str
    expires_at: datetime


class VendorRegistrationExpired(Event, frozen=True, kw_only=True, tag="vendors.VendorRegistrationExpired.v1"):
    vendor_id: str
    expired_at: datetime | None = None


class CertificationAdded(Event, frozen=True, kw_only=True, tag="vendors.CertificationAdded.v1"):
    vendor_id: str
    cert_id: str
    program: str
    issuing_body: str
    number: str
    effective_date: date
    expiry_date: date
    documents: list[DocumentRef] = []


class CertificationVerified(Event, frozen=True, kw_only=True, tag="vendors.CertificationVerified.v1"):
    vendor_id: str
    cert_id: str
    verified_at: datetime


class CertificationRejected(Event, frozen=True, kw_only=True, tag="vendors.CertificationRejected.v1"):
    vendor_id: str
    cert_id: str
    reason: str


class CertificationExpired(Event, frozen=True, kw_only=True, tag="vendors.CertificationExpired.v1"):
    vendor_id: str
    cert_id: str


class UserInvited(Event, frozen=True, kw_only=True, tag="vendors.UserInvited.v1"):
    """``user`` is the token subject of a colleague who may now act for the vendor."""

    PERSONAL = (PersonalData(fields=("user",), subject="user", kind="user", holder="vendor_id"),)

    vendor_id: str
    user: str


class TaxIdClaimed(Event, frozen=True, kw_only=True, tag="vendors.TaxIdClaimed.v1"):
    """One registration holds a tax id at a time (stream ``vendor-taxid-<digits>``)."""

    PERSONAL = (TAX_ID,)

    tax_id: str
    vendor_id: str


class ExclusionRecorded(Event, frozen=True, kw_only=True, tag="vendors.ExclusionRecorded.v1"):
    """An entry of the exclusion (debarment) list; ``to_date`` ``None`` means indefinite."""

    PERSONAL = (PersonalData(fields=("tax_id",), subject="exclusion_id", kind="exclusion"),)

    exclusion_id: str
    name: str
    tax_id: str | None = None
    reason: str
    from_date: date
    to_date: date | None = None


VendorEvent = (
    VendorRegistered
    | VendorProfileUpdated
    | VendorFlaggedExcluded
    | VendorSubmitted
    | VendorApproved
    | VendorRejected
    | VendorRenewed
    | VendorRegistrationExpired
    | CertificationAdded
    | CertificationVerified
    | CertificationRejected
    | CertificationExpired
    | UserInvited
)
