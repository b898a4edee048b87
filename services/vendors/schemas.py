"""Request and response bodies of the vendor API (lengths and shapes checked on parse)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from events.vendors import Address, Contact, DocumentRef
from kernel.limits import JSON_INT_MAX, MAX_EMPLOYEES, NONNEGATIVE_GT
from services.documents.facts import AttachedDocument, of_part
from services.vendors.deciders.vendor import Certification, Vendor
from services.vendors.exclusion_csv import RejectedRow
from services.vendors.facts import ExclusionRow

Meta = msgspec.Meta
Id = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Name = Annotated[str, Meta(min_length=1, max_length=300)]
Reason = Annotated[str, Meta(min_length=1, max_length=2000)]


class _In(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class AddressIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    line1: Annotated[str, Meta(min_length=1, max_length=200)]
    line2: Annotated[str, Meta(max_length=200)] = ""
    city: Annotated[str, Meta(min_length=1, max_length=100)]
    state: Annotated[str, Meta(max_length=2)]
    zip: Annotated[str, Meta(max_length=10)]

    def to_event(self) -> Address:
        return Address(**msgspec.structs.asdict(self))


class ContactIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    email: Annotated[str, Meta(max_length=254)]
    phone: Annotated[str, Meta(max_length=30)] = ""
    title: Annotated[str, Meta(max_length=100)] = ""

    def to_event(self) -> Contact:
        return Contact(**msgspec.structs.asdict(self))


class DocumentIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=255)]
    media_type: Annotated[str, Meta(max_length=100)]
    sha256: Annotated[str, Meta(max_length=64)]
    size: Annotated[int, Meta(ge=0, le=JSON_INT_MAX)]

    def to_event(self) -> DocumentRef:
        return DocumentRef(**msgspec.structs.asdict(self))


CommodityCode = Annotated[str, Meta(max_length=8)]
CapabilityStatement = Annotated[str, Meta(max_length=5000, description=(
    "what the business does, in its own words: public, and what matching reads to suggest "
    "opportunities"))]


class VendorIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    vendor_id: Id | None = None
    legal_name: Name
    dba: Annotated[str, Meta(max_length=300)] = ""
    tax_id: Annotated[str, Meta(max_length=10, description="US EIN, NN-NNNNNNN; never shown to others")]
    address: AddressIn
    contacts: Annotated[list[ContactIn], Meta(max_length=20)]
    employees: Annotated[int, Meta(ge=0, le=MAX_EMPLOYEES)]
    revenue_band: Annotated[str, Meta(max_length=20, description="under_1m, 1m_5m, 5m_25m, 25m_100m, over_100m")]
    commodity_codes: Annotated[list[CommodityCode], Meta(max_length=200, description="NIGP 5-digit or UNSPSC 8-digit")] = []
    local_agencies: Annotated[list[Id], Meta(max_length=50, description="agencies whose jurisdiction the business is local to")] = []
    capability_statement: CapabilityStatement = ""


class VendorPatch(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Fields to change; the tax id is not among them (another EIN is another business)."""

    legal_name: Name | None = None
    dba: Annotated[str, Meta(max_length=300)] | None = None
    address: AddressIn | None = None
    contacts: Annotated[list[ContactIn], Meta(max_length=20)] | None = None
    employees: Annotated[int, Meta(gt=NONNEGATIVE_GT, le=MAX_EMPLOYEES)] | None = None
    revenue_band: Annotated[str, Meta(max_length=20)] | None = None
    commodity_codes: Annotated[list[CommodityCode], Meta(max_length=200)] | None = None
    local_agencies: Annotated[list[Id], Meta(max_length=50)] | None = None
    capability_statement: CapabilityStatement | None = None


class ReasonIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Reason


class CertificationIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    cert_id: Id | None = None
    program: Annotated[str, Meta(max_length=20)]
    issuing_body: Annotated[str, Meta(min_length=1, max_length=300)]
    number: Annotated[str, Meta(min_length=1, max_length=100)]
    effective_date: date
    expiry_date: date
    documents: Annotated[list[DocumentIn], Meta(max_length=20)] = []


class InviteIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    user: Annotated[str, Meta(min_length=1, max_length=200, description="the colleague's token subject")]


class CertificationOut(msgspec.Struct, frozen=True, kw_only=True):
    vendor_id: str
    cert_id: str
    program: str
    issuing_body: str
    number: str
    effective_date: date
    expiry_date: date
    status: str
    verified_at: datetime | None
    rejection_reason: str | None
    documents: list[DocumentRef]
    #: the files uploaded as evidence for this certification (each version)
    attachments: list[AttachedDocument] = []


class VendorOut(msgspec.Struct, frozen=True, kw_only=True):
    """The whole record: for the vendor's own users and admins."""

    view: Literal["full"] = "full"
    id: str
    owner: str
    users: list[str]
    legal_name: str
    dba: str
    tax_id: str
    address: Address | None
    contacts: list[Contact]
    employees: Annotated[int, Meta(ge=0, le=MAX_EMPLOYEES)]
    revenue_band: str
    commodity_codes: list[str]
    local_agencies: list[str]
    capability_statement: str
    status: str
    submitted_at: datetime | None
    approved_at: datetime | None
    expires_at: datetime | None
    rejection_reason: str | None
    flagged_excluded: bool
    exclusion_reasons: list[str]
    certifications: list[CertificationOut]
    version: int
    #: registration documents, W-9, insurance certificates (with their expiry), evidence
    attachments: list[AttachedDocument] = []


def with_documents(vendor: VendorOut, attachments: list[AttachedDocument]) -> VendorOut:
    """The vendor's documents, and each certification's own among them."""
    replace = msgspec.structs.replace
    return replace(vendor, attachments=attachments, certifications=[
        replace(c, attachments=of_part(attachments, f"certification:{c.cert_id}")) for c in vendor.certifications])


class PublicCertificationOut(msgspec.Struct, frozen=True, kw_only=True):
    program: str
    issuing_body: str
    effective_date: date
    expiry_date: date


class PublicVendorOut(msgspec.Struct, frozen=True, kw_only=True):
    """What other vendors and the public see: no tax id, contacts or documents."""

    view: Literal["public"] = "public"
    id: str
    legal_name: str
    dba: str
    status: str
    commodity_codes: list[str]
    capability_statement: str
    certifications: list[PublicCertificationOut]


class HistoryEntry(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    type: str
    data: dict[str, Any]
    actor: str | None
    actor_role: str | None
    occurred_at: datetime


class History(msgspec.Struct, frozen=True, kw_only=True):
    vendor_id: str
    events: list[HistoryEntry]


def certification_out(vendor_id: str, cert: Certification) -> CertificationOut:
    return CertificationOut(
        vendor_id=vendor_id, cert_id=cert.cert_id, program=cert.program, issuing_body=cert.issuing_body,
        number=cert.number, effective_date=cert.effective_date, expiry_date=cert.expiry_date,
        status=cert.status, verified_at=cert.verified_at, rejection_reason=cert.rejection_reason,
        documents=list(cert.documents),
    )


def vendor_out(state: Vendor, version: int) -> VendorOut:
    return VendorOut(
        id=state.vendor_id, owner=state.owner, users=list(state.users), legal_name=state.legal_name,
        dba=state.dba, tax_id=state.tax_id, address=state.address, contacts=list(state.contacts),
        employees=state.employees, revenue_band=state.revenue_band, commodity_codes=list(state.commodity_codes),
        local_agencies=list(state.local_agencies), capability_statement=state.capability_statement,
        status=state.status, submitted_at=state.submitted_at,
        approved_at=state.approved_at, expires_at=state.expires_at, rejection_reason=state.rejection_reason,
        flagged_excluded=bool(state.exclusion_ids), exclusion_reasons=list(state.exclusion_reasons),
        certifications=[certification_out(state.vendor_id, c) for c in state.certifications], version=version,
    )


def public_vendor_out(state: Vendor) -> PublicVendorOut:
    return PublicVendorOut(
        id=state.vendor_id, legal_name=state.legal_name, dba=state.dba, status=state.status,
        commodity_codes=list(state.commodity_codes), capability_statement=state.capability_statement,
        certifications=[
            PublicCertificationOut(program=c.program, issuing_body=c.issuing_body,
                                   effective_date=c.effective_date, expiry_date=c.expiry_date)
            for c in state.certifications if c.status == "verified"
        ],
    )


class ExclusionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    tax_id: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    from_date: date
    to_date: date | None = None


class ExclusionOut(msgspec.Struct, frozen=True, kw_only=True):
    exclusion_id: str
    name: str
    tax_id: str | None
    reason: str
    from_date: date
    to_date: date | None


class AcceptedRow(msgspec.Struct, frozen=True, kw_only=True):
    line: int
    exclusion_id: str


class ImportReport(msgspec.Struct, frozen=True, kw_only=True):
    accepted: list[AcceptedRow]
    rejected: list[RejectedRow]


class ExclusionPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ExclusionRow]
    total: int
    limit: int
    offset: int
