"""Commands (imperative) for vendors, their certifications and users."""

from __future__ import annotations

from datetime import date

import msgspec

from events.vendors import Address, Contact, DocumentRef


class Locality(msgspec.Struct, frozen=True, kw_only=True):
    """Where an agency's local businesses are: its state and ZIP prefixes (empty: any)."""

    agency_id: str
    state: str | None = None
    zip_prefixes: tuple[str, ...] = ()


class ExclusionHit(msgspec.Struct, frozen=True, kw_only=True):
    exclusion_id: str
    reason: str


class RegisterVendor(msgspec.Struct, frozen=True, kw_only=True):
    vendor_id: str
    legal_name: str
    dba: str = ""
    tax_id: str
    address: Address
    contacts: list[Contact]
    employees: int
    revenue_band: str
    commodity_codes: list[str] = []
    local_agencies: list[str] = []
    capability_statement: str = ""
    #: read at the edge: the agencies named in ``local_agencies`` that exist
    localities: dict[str, Locality] = {}
    #: read at the edge: exclusion entries in force that name this business
    exclusion_hits: list[ExclusionHit] = []


class UpdateProfile(msgspec.Struct, frozen=True, kw_only=True):
    """``None`` leaves a field as it is."""

    legal_name: str | None = None
    dba: str | None = None
    address: Address | None = None
    contacts: list[Contact] | None = None
    employees: int | None = None
    revenue_band: str | None = None
    commodity_codes: list[str] | None = None
    local_agencies: list[str] | None = None
    capability_statement: str | None = None
    localities: dict[str, Locality] = {}


class SubmitVendor(msgspec.Struct, frozen=True, kw_only=True):
    pass


class ApproveVendor(msgspec.Struct, frozen=True, kw_only=True):
    registration_days: int


class RejectVendor(msgspec.Struct, frozen=True, kw_only=True):
    reason: str


class RenewVendor(msgspec.Struct, frozen=True, kw_only=True):
    registration_days: int


class ExpireRegistration(msgspec.Struct, frozen=True, kw_only=True):
    pass


class AddCertification(msgspec.Struct, frozen=True, kw_only=True):
    cert_id: str
    program: str
    issuing_body: str
    number: str
    effective_date: date
    expiry_date: date
    documents: list[DocumentRef] = []


class VerifyCertification(msgspec.Struct, frozen=True, kw_only=True):
    cert_id: str


class RejectCertification(msgspec.Struct, frozen=True, kw_only=True):
    cert_id: str
    reason: str


class ExpireCertification(msgspec.Struct, frozen=True, kw_only=True):
    cert_id: str


class InviteUser(msgspec.Struct, frozen=True, kw_only=True):
    user: str


class FlagExcluded(msgspec.Struct, frozen=True, kw_only=True):
    hits: list[ExclusionHit]


Command = (
    RegisterVendor | UpdateProfile | SubmitVendor | ApproveVendor | RejectVendor | RenewVendor
    | ExpireRegistration | AddCertification | VerifyCertification | RejectCertification
    | ExpireCertification | InviteUser | FlagExcluded
)
