"""The vendor aggregate: registration workflow, profile, certifications and users.

Registration: draft -> submitted -> approved | rejected; approved -> expired when the
registration period ends (a timer), and back to approved on renewal. A certification
is pending until an admin verifies it and expires after its expiry date (a timer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta

import msgspec

from events.base import Event
from events.vendors import (
    Address,
    CertificationAdded,
    CertificationExpired,
    CertificationRejected,
    CertificationVerified,
    Contact,
    DocumentRef,
    UserInvited,
    VendorApproved,
    VendorFlaggedExcluded,
    VendorProfileUpdated,
    VendorRegistered,
    VendorRegistrationExpired,
    VendorRejected,
    VendorRenewed,
    VendorSubmitted,
)
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from kernel.programs import check_program
from kernel.timers import Timer, timer
from services.vendors import validation as v
from services.vendors.commands import (
    AddCertification,
    ApproveVendor,
    Command,
    ExpireCertification,
    ExpireRegistration,
    FlagExcluded,
    InviteUser,
    Locality,
    RegisterVendor,
    RejectCertification,
    RejectVendor,
    RenewVendor,
    SubmitVendor,
    UpdateProfile,
    VerifyCertification,
)

#: a registration can be renewed from this many days before it expires
RENEWAL_WINDOW_DAYS = 90
REGISTRATION_EXPIRY = "vendors.registration_expiry"
CERTIFICATION_EXPIRY = "vendors.certification_expiry"


class Certification(msgspec.Struct, frozen=True, kw_only=True):
    cert_id: str
    program: str
    issuing_body: str
    number: str
    effective_date: date
    expiry_date: date
    documents: tuple[DocumentRef, ...] = ()
    status: str = "pending"  # pending | verified | rejected | expired
    verified_at: datetime | None = None
    rejection_reason: str | None = None


class Vendor(msgspec.Struct, frozen=True, kw_only=True):
    exists: bool = False
    vendor_id: str = ""
    owner: str = ""
    users: tuple[str, ...] = ()
    legal_name: str = ""
    dba: str = ""
    tax_id: str = ""
    address: Address | None = None
    contacts: tuple[Contact, ...] = ()
    employees: int = 0
    revenue_band: str = ""
    commodity_codes: tuple[str, ...] = ()
    local_agencies: tuple[str, ...] = ()
    capability_statement: str = ""
    status: str = "draft"  # draft | submitted | approved | rejected | expired
    submitted_at: datetime | None = None
    approved_at: datetime | None = None
    expires_at: datetime | None = None
    rejection_reason: str | None = None
    exclusion_ids: tuple[str, ...] = ()
    exclusion_reasons: tuple[str, ...] = ()
    certifications: tuple[Certification, ...] = ()

    def is_user(self, sub: str) -> bool:
        return sub in self.users

    def certification(self, cert_id: str) -> Certification:
        for cert in self.certifications:
            if cert.cert_id == cert_id:
                return cert
        raise NotFound(f"certification {cert_id} not found")


def certification_ends(expiry_date: date) -> datetime:
    """A certification is valid through its expiry date and expired from the next day (UTC)."""
    return datetime.combine(expiry_date + timedelta(days=1), time(0), tzinfo=UTC)


# -- who may do what --------------------------------------------------------------------

def _admin(ctx: Context) -> bool:
    return ctx.actor.role == "admin" or ctx.actor.is_system


def _require_admin(ctx: Context, what: str) -> None:
    if not _admin(ctx):
        raise Forbidden(f"only an admin may {what}")


def _require_user_or_admin(state: Vendor, ctx: Context) -> None:
    if _admin(ctx):
        return
    if ctx.actor.role != "vendor" or not state.is_user(ctx.actor.sub):
        raise Forbidden("only the vendor's own users or an admin may do this")


def _require_exists(state: Vendor) -> None:
    if not state.exists:
        raise NotFound("vendor not found")


# -- rules about content ------------------------------------------------------------------

def _check_local(agencies: Sequence[str], localities: dict[str, Locality], address: Address) -> None:
    for i, agency_id in enumerate(agencies):
        field = f"local_agencies[{i}]"
        if agency_id in agencies[:i]:
            raise field_error(field, f"{agency_id} is listed twice")
        locality = localities.get(agency_id)
        if locality is None:
            raise field_error(field, f"unknown agency {agency_id}")
        if locality.state and address.state != locality.state:
            raise field_error(field, f"the business address is not in {agency_id}'s state {locality.state}")
        if locality.zip_prefixes and not address.zip.startswith(locality.zip_prefixes):
            raise field_error(field, f"the business ZIP code is outside {agency_id}'s jurisdiction")


def check_registration(command: RegisterVendor) -> None:
    """Every content rule of a registration (also run at the edge before anything is stored)."""
    v.not_blank(command.legal_name, "legal_name")
    v.check_tax_id(command.tax_id)
    v.check_address(command.address)
    if not command.contacts:
        raise field_error("contacts", "at least one contact")
    v.check_contacts(command.contacts)
    v.check_size(command.employees, command.revenue_band)
    v.check_commodity_codes(command.commodity_codes)
    _check_local(command.local_agencies, command.localities, command.address)


def _register(command: RegisterVendor, state: Vendor, ctx: Context) -> list[Event]:
    if ctx.actor.role != "vendor":
        raise Forbidden("vendors register themselves; sign in with a vendor account")
    if state.exists:
        raise Conflict(f"vendor {command.vendor_id} already exists", code="duplicate")
    check_registration(command)
    events: list[Event] = [VendorRegistered(
        vendor_id=command.vendor_id, owner=ctx.actor.sub, legal_name=command.legal_name.strip(),
        dba=command.dba.strip(), tax_id=command.tax_id, address=command.address,
        contacts=list(command.contacts), employees=command.employees, revenue_band=command.revenue_band,
        commodity_codes=list(command.commodity_codes), local_agencies=list(command.local_agencies),
        capability_statement=command.capability_statement.strip(),
    )]
    if command.exclusion_hits:
        events.append(VendorFlaggedExcluded(
            vendor_id=command.vendor_id,
            exclusion_ids=[h.exclusion_id for h in command.exclusion_hits],
            reasons=[h.reason for h in command.exclusion_hits],
        ))
    return events


def _update(command: UpdateProfile, state: Vendor) -> list[Event]:
    if state.status == "rejected":
        raise Conflict("a rejected registration cannot be changed; register again", code="rejected")
    changes: dict[str, object] = {}
    if command.legal_name is not None and command.legal_name.strip() != state.legal_name:
        changes["legal_name"] = v.not_blank(command.legal_name, "legal_name")
    if command.dba is not None and command.dba.strip() != state.dba:
        changes["dba"] = command.dba.strip()
    if command.address is not None and command.address != state.address:
        v.check_address(command.address)
        changes["address"] = command.address
    if command.contacts is not None and tuple(command.contacts) != state.contacts:
        if not command.contacts:
            raise field_error("contacts", "at least one contact")
        v.check_contacts(command.contacts)
        changes["contacts"] = list(command.contacts)
    if command.employees is not None and command.employees != state.employees:
        v.check_size(command.employees, state.revenue_band)
        changes["employees"] = command.employees
    if command.revenue_band is not None and command.revenue_band != state.revenue_band:
        v.check_size(state.employees, command.revenue_band)
        changes["revenue_band"] = command.revenue_band
    if command.commodity_codes is not None and tuple(command.commodity_codes) != state.commodity_codes:
        v.check_commodity_codes(command.commodity_codes)
        changes["commodity_codes"] = list(command.commodity_codes)
    if (command.capability_statement is not None
            and command.capability_statement.strip() != state.capability_statement):
        changes["capability_statement"] = command.capability_statement.strip()
    address = command.address or state.address
    assert address is not None
    agencies = state.local_agencies if command.local_agencies is None else tuple(command.local_agencies)
    if agencies != state.local_agencies or "address" in changes:
        # a move can end a local claim: check the claims against the address they will have
        _check_local(list(agencies), command.localities, address)
        if agencies != state.local_agencies:
            changes["local_agencies"] = list(agencies)
    if not changes:
        return []
    return [VendorProfileUpdated(vendor_id=state.vendor_id, **changes)]  # type: ignore[arg-type]


def _renew(command: RenewVendor, state: Vendor, ctx: Context) -> list[Event]:
    if state.status not in ("approved", "expired") or state.expires_at is None:
        raise Conflict(f"only an approved or expired registration can be renewed (it is {state.status})",
                       code="not_renewable")
    if state.status == "approved":
        opens = state.expires_at - timedelta(days=RENEWAL_WINDOW_DAYS)
        if ctx.now < opens:
            raise Conflict(f"renewal opens {RENEWAL_WINDOW_DAYS} days before expiry, on {opens.date()}",
                           code="renewal_not_open", details={"renewal_opens_at": opens.isoformat()})
    start = max(state.expires_at, ctx.now)
    return [VendorRenewed(vendor_id=state.vendor_id,
                          expires_at=start + timedelta(days=command.registration_days))]


def _add_certification(command: AddCertification, state: Vendor, ctx: Context) -> list[Event]:
    if state.status == "rejected":
        raise Conflict("a rejected registration cannot add certifications", code="rejected")
    if any(c.cert_id == command.cert_id for c in state.certifications):
        raise Conflict(f"certification {command.cert_id} already exists", code="duplicate")
    check_program(command.program)
    v.not_blank(command.issuing_body, "issuing_body")
    number = v.not_blank(command.number, "number")
    v.check_dates(command.effective_date, command.expiry_date)
    if certification_ends(command.expiry_date) <= ctx.now:
        raise field_error("expiry_date", "has already passed")
    v.check_documents(command.documents)
    for cert in state.certifications:
        if (cert.program, cert.number) == (command.program, number) and cert.status in ("pending", "verified"):
            raise Conflict(f"{command.program} certificate {number} is already on file as {cert.cert_id}",
                           code="duplicate", details={"cert_id": cert.cert_id})
    return [CertificationAdded(
        vendor_id=state.vendor_id, cert_id=command.cert_id, program=command.program,
        issuing_body=command.issuing_body.strip(), number=number, effective_date=command.effective_date,
        expiry_date=command.expiry_date, documents=list(command.documents),
    )]


def _verify(command: VerifyCertification, state: Vendor, ctx: Context) -> list[Event]:
    cert = state.certification(command.cert_id)
    if cert.status == "verified":
        return []
    if cert.status != "pending":
        raise Conflict(f"certification {cert.cert_id} is {cert.status}", code=f"certification_{cert.status}")
    if certification_ends(cert.expiry_date) <= ctx.now:
        raise Conflict(f"certification {cert.cert_id} has expired", code="certification_expired")
    return [CertificationVerified(vendor_id=state.vendor_id, cert_id=cert.cert_id, verified_at=ctx.now)]


def _reject_certification(command: RejectCertification, state: Vendor) -> list[Event]:
    cert = state.certification(command.cert_id)
    if cert.status != "pending":
        raise Conflict(f"certification {cert.cert_id} is {cert.status}", code=f"certification_{cert.status}")
    reason = v.not_blank(command.reason, "reason")
    return [CertificationRejected(vendor_id=state.vendor_id, cert_id=cert.cert_id, reason=reason)]


def _expire_certification(command: ExpireCertification, state: Vendor, ctx: Context) -> list[Event]:
    cert = state.certification(command.cert_id)
    if cert.status in ("expired", "rejected") or ctx.now < certification_ends(cert.expiry_date):
        return []
    return [CertificationExpired(vendor_id=state.vendor_id, cert_id=cert.cert_id)]


def decide(command: Command, state: Vendor, ctx: Context) -> list[Event]:
    if isinstance(command, RegisterVendor):
        return _register(command, state, ctx)
    _require_exists(state)
    match command:
        case UpdateProfile():
            _require_user_or_admin(state, ctx)
            return _update(command, state)
        case SubmitVendor():
            _require_user_or_admin(state, ctx)
            if state.status == "submitted":
                return []
            if state.status != "draft":
                raise Conflict(f"a registration that is {state.status} cannot be submitted", code="not_draft")
            if not state.commodity_codes:
                raise field_error("commodity_codes", "add at least one commodity code before submitting")
            return [VendorSubmitted(vendor_id=state.vendor_id, submitted_at=ctx.now)]
        case ApproveVendor():
            _require_admin(ctx, "approve a registration")
            if state.status != "submitted":
                raise Conflict(f"only a submitted registration can be approved (it is {state.status})",
                               code="not_submitted")
            return [VendorApproved(vendor_id=state.vendor_id, approved_at=ctx.now,
                                   expires_at=ctx.now + timedelta(days=command.registration_days))]
        case RejectVendor():
            _require_admin(ctx, "reject a registration")
            if state.status != "submitted":
                raise Conflict(f"only a submitted registration can be rejected (it is {state.status})",
                               code="not_submitted")
            return [VendorRejected(vendor_id=state.vendor_id, reason=v.not_blank(command.reason, "reason"))]
        case RenewVendor():
            _require_user_or_admin(state, ctx)
            return _renew(command, state, ctx)
        case ExpireRegistration():
            _require_admin(ctx, "expire a registration")
            if state.status != "approved" or state.expires_at is None or ctx.now < state.expires_at:
                return []  # renewed since the timer was set
            return [VendorRegistrationExpired(vendor_id=state.vendor_id, expired_at=state.expires_at)]
        case AddCertification():
            _require_user_or_admin(state, ctx)
            return _add_certification(command, state, ctx)
        case VerifyCertification():
            _require_admin(ctx, "verify a certification")
            return _verify(command, state, ctx)
        case RejectCertification():
            _require_admin(ctx, "reject a certification")
            return _reject_certification(command, state)
        case ExpireCertification():
            _require_admin(ctx, "expire a certification")
            return _expire_certification(command, state, ctx)
        case InviteUser():
            if not _admin(ctx) and ctx.actor.sub != state.owner:
                raise Forbidden("only the vendor's owner or an admin may invite users")
            if state.status == "rejected":
                raise Conflict("a rejected registration cannot invite users", code="rejected")
            user = v.not_blank(command.user, "user")
            if state.is_user(user):
                raise Conflict(f"{user} already acts for this vendor", code="duplicate")
            return [UserInvited(vendor_id=state.vendor_id, user=user)]
        case FlagExcluded():
            _require_admin(ctx, "flag a vendor")
            new = [h for h in command.hits if h.exclusion_id not in state.exclusion_ids]
            if not new:
                return []
            return [VendorFlaggedExcluded(vendor_id=state.vendor_id, exclusion_ids=[h.exclusion_id for h in new],
                                          reasons=[h.reason for h in new])]
    raise TypeError(f"unknown command {command!r}")


def _replace_certification(state: Vendor, cert_id: str, **changes: object) -> Vendor:
    return msgspec.structs.replace(state, certifications=tuple(
        msgspec.structs.replace(c, **changes) if c.cert_id == cert_id else c for c in state.certifications))


def evolve(state: Vendor, event: Event) -> Vendor:
    match event:
        case VendorRegistered():
            return Vendor(
                exists=True, vendor_id=event.vendor_id, owner=event.owner, users=(event.owner,),
                legal_name=event.legal_name, dba=event.dba, tax_id=event.tax_id, address=event.address,
                contacts=tuple(event.contacts), employees=event.employees, revenue_band=event.revenue_band,
                commodity_codes=tuple(event.commodity_codes), local_agencies=tuple(event.local_agencies),
                capability_statement=event.capability_statement,
            )
        case VendorProfileUpdated():
            changes = {f: getattr(event, f) for f in event.__struct_fields__
                       if f != "vendor_id" and getattr(event, f) is not None}
            for f in ("contacts", "commodity_codes", "local_agencies"):
                if f in changes:
                    changes[f] = tuple(changes[f])  # type: ignore[arg-type]
            return msgspec.structs.replace(state, **changes)
        case VendorFlaggedExcluded():
            return msgspec.structs.replace(state, exclusion_ids=state.exclusion_ids + tuple(event.exclusion_ids),
                                           exclusion_reasons=state.exclusion_reasons + tuple(event.reasons))
        case VendorSubmitted():
            return msgspec.structs.replace(state, status="submitted", submitted_at=event.submitted_at)
        case VendorApproved():
            return msgspec.structs.replace(state, status="approved", approved_at=event.approved_at,
                                           expires_at=event.expires_at)
        case VendorRejected():
            return msgspec.structs.replace(state, status="rejected", rejection_reason=event.reason)
        case VendorRenewed():
            return msgspec.structs.replace(state, status="approved", expires_at=event.expires_at)
        case VendorRegistrationExpired():
            return msgspec.structs.replace(state, status="expired")
        case UserInvited():
            return msgspec.structs.replace(state, users=(*state.users, event.user))
        case CertificationAdded():
            cert = Certification(
                cert_id=event.cert_id, program=event.program, issuing_body=event.issuing_body,
                number=event.number, effective_date=event.effective_date, expiry_date=event.expiry_date,
                documents=tuple(event.documents))
            return msgspec.structs.replace(state, certifications=(*state.certifications, cert))
        case CertificationVerified():
            return _replace_certification(state, event.cert_id, status="verified", verified_at=event.verified_at)
        case CertificationRejected():
            return _replace_certification(state, event.cert_id, status="rejected", rejection_reason=event.reason)
        case CertificationExpired():
            return _replace_certification(state, event.cert_id, status="expired")
    return state


def timers(event: Event) -> Iterable[Timer]:
    """Registration and certification expiry become events when their time comes."""
    match event:
        case VendorApproved() | VendorRenewed():
            return [timer(REGISTRATION_EXPIRY, f"vendor-{event.vendor_id}", event.expires_at)]
        case CertificationAdded():
            return [timer(CERTIFICATION_EXPIRY, f"vendor-{event.vendor_id}",
                          certification_ends(event.expiry_date), cert_id=event.cert_id)]
    return []


VENDOR = Decider(stream_prefix="vendor", initial=Vendor, decide=decide, evolve=evolve, timers=timers)
