"""Pure decider rules of the vendor aggregate."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

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
from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from services.vendors.commands import (
    ApproveVendor,
    ExclusionHit,
    ExpireCertification,
    ExpireRegistration,
    FlagExcluded,
    InviteUser,
    Locality,
    RejectCertification,
    RejectVendor,
    RenewVendor,
    SubmitVendor,
    UpdateProfile,
    VerifyCertification,
)
from services.vendors.deciders.vendor import (
    CERTIFICATION_EXPIRY,
    REGISTRATION_EXPIRY,
    VENDOR,
    certification_ends,
)
from tests.unit.vendors.builders import (
    ADDRESS,
    ADMIN,
    BUYER,
    COLLEAGUE,
    NOW,
    OWNER,
    STRANGER,
    SYSTEM,
    at,
    certification,
    register,
)


def approved(days: int = 365):
    return VENDOR.run([(register(), OWNER), (SubmitVendor(), OWNER),
                       (ApproveVendor(registration_days=days), ADMIN)])[0]


def field_of(err: pytest.ExceptionInfo[Invalid]) -> str:
    return err.value.details[0]["field"]


def test_registration_makes_the_caller_owner_and_a_draft():
    state, events = VENDOR.run([(register(), OWNER)])
    assert [type(e) for e in events] == [VendorRegistered]
    assert events[0].owner == "owner-1"
    assert state.status == "draft" and state.users == ("owner-1",)


def test_only_vendor_accounts_register():
    for ctx in (ADMIN, BUYER):
        with pytest.raises(Forbidden):
            VENDOR.decide(register(), VENDOR.initial(), ctx)


def test_registering_an_existing_vendor_id_is_a_conflict():
    state, _ = VENDOR.run([(register(), OWNER)])
    with pytest.raises(Conflict):
        VENDOR.decide(register(), state, OWNER)


def test_a_vendor_on_the_exclusion_list_is_flagged_at_registration():
    hits = [ExclusionHit(exclusion_id="ex1", reason="debarred for fraud")]
    state, events = VENDOR.run([(register(exclusion_hits=hits), OWNER)])
    assert isinstance(events[1], VendorFlaggedExcluded)
    assert events[1].exclusion_ids == ["ex1"] and events[1].reasons == ["debarred for fraud"]
    assert state.exclusion_reasons == ("debarred for fraud",)


@pytest.mark.parametrize("overrides, field", [
    ({"tax_id": "123456789"}, "tax_id"),
    ({"tax_id": "12-345678"}, "tax_id"),
    ({"tax_id": "00-3456789"}, "tax_id"),
    ({"legal_name": "   "}, "legal_name"),
    ({"address": Address(line1="1 Main", city="X", state="ZZ", zip="62701")}, "address.state"),
    ({"address": Address(line1="1 Main", city="X", state="IL", zip="6270")}, "address.zip"),
    ({"address": Address(line1="1 Main", city="X", state="IL", zip="62701-12")}, "address.zip"),
    ({"address": Address(line1=" ", city="X", state="IL", zip="62701")}, "address.line1"),
    ({"contacts": []}, "contacts"),
    ({"contacts": [Contact(name="A", email="not-an-email")]}, "contacts[0].email"),
    ({"contacts": [Contact(name="A", email="a@b.co", phone="call me")]}, "contacts[0].phone"),
    ({"employees": -1}, "employees"),
    ({"revenue_band": "huge"}, "revenue_band"),
    ({"commodity_codes": ["1234"]}, "commodity_codes[0]"),
    ({"commodity_codes": ["91500", "9150A"]}, "commodity_codes[1]"),
    ({"commodity_codes": ["91500", "91500"]}, "commodity_codes[1]"),
    ({"commodity_codes": ["1234567"]}, "commodity_codes[0]"),
    ({"local_agencies": ["unknown"]}, "local_agencies[0]"),
    ({"local_agencies": ["ag1", "ag1"]}, "local_agencies[1]"),
])
def test_bad_registrations_name_the_field(overrides, field):
    with pytest.raises(Invalid) as err:
        VENDOR.decide(register(**overrides), VENDOR.initial(), OWNER)
    assert field_of(err) == field


def test_accepted_formats():
    command = register(tax_id="95-0000001", commodity_codes=["91500", "43211500"],
                       address=Address(line1="1 Main", city="X", state="IL", zip="62701-1234"))
    assert VENDOR.decide(command, VENDOR.initial(), OWNER)


def test_local_business_must_be_in_the_agencies_state_and_zip_prefixes():
    localities = {"ag1": Locality(agency_id="ag1", state="WA"),
                  "ag2": Locality(agency_id="ag2", state="IL", zip_prefixes=("606",))}
    with pytest.raises(Invalid, match="state WA"):
        VENDOR.decide(register(local_agencies=["ag1"], localities=localities), VENDOR.initial(), OWNER)
    with pytest.raises(Invalid, match="ZIP"):
        VENDOR.decide(register(local_agencies=["ag2"], localities=localities), VENDOR.initial(), OWNER)
    chicago = Address(line1="1 Wacker Dr", city="Chicago", state="IL", zip="60601")
    events = VENDOR.decide(register(local_agencies=["ag2"], localities=localities, address=chicago),
                           VENDOR.initial(), OWNER)
    assert events[0].local_agencies == ["ag2"]


def test_profile_update_records_only_changed_fields():
    state, _ = VENDOR.run([(register(), OWNER)])
    events = VENDOR.decide(UpdateProfile(employees=30, dba="Prairie"), state, OWNER)
    assert events == [VendorProfileUpdated(vendor_id="v1", employees=30)]
    assert VENDOR.decide(UpdateProfile(employees=14), state, OWNER) == []
    assert VENDOR.fold(events, state).employees == 30


def test_profile_update_validates_fields_and_local_claims_after_a_move():
    state, _ = VENDOR.run([(register(local_agencies=["ag1"]), OWNER)])
    with pytest.raises(Invalid) as err:
        VENDOR.decide(UpdateProfile(commodity_codes=["12"]), state, OWNER)
    assert field_of(err) == "commodity_codes[0]"
    moved = Address(line1="1 Pike St", city="Seattle", state="WA", zip="98101")
    with pytest.raises(Invalid) as err:
        VENDOR.decide(UpdateProfile(address=moved, localities={"ag1": Locality(agency_id="ag1", state="IL")}),
                      state, OWNER)
    assert field_of(err) == "local_agencies[0]"
    events = VENDOR.decide(UpdateProfile(address=moved, local_agencies=[]), state, OWNER)
    assert events[0].local_agencies == [] and events[0].address == moved


def test_only_the_vendors_users_or_an_admin_change_the_profile():
    state, _ = VENDOR.run([(register(), OWNER), (InviteUser(user="colleague-1"), OWNER)])
    assert VENDOR.decide(UpdateProfile(employees=2), state, COLLEAGUE)
    assert VENDOR.decide(UpdateProfile(employees=3), state, ADMIN)
    for ctx in (STRANGER, BUYER):
        with pytest.raises(Forbidden):
            VENDOR.decide(UpdateProfile(employees=4), state, ctx)


def test_commands_on_an_unknown_vendor_are_not_found():
    with pytest.raises(NotFound):
        VENDOR.decide(SubmitVendor(), VENDOR.initial(), OWNER)


def test_submission_needs_a_commodity_code_and_a_draft():
    state, _ = VENDOR.run([(register(commodity_codes=[]), OWNER)])
    with pytest.raises(Invalid) as err:
        VENDOR.decide(SubmitVendor(), state, OWNER)
    assert field_of(err) == "commodity_codes"
    state, events = VENDOR.run([(register(), OWNER), (SubmitVendor(), OWNER)])
    assert isinstance(events[-1], VendorSubmitted)
    assert VENDOR.decide(SubmitVendor(), state, OWNER) == [], "submitting twice changes nothing"


def test_approval_sets_expiry_and_asks_for_an_expiry_timer():
    state, events = VENDOR.run([(register(), OWNER), (SubmitVendor(), OWNER),
                                (ApproveVendor(registration_days=365), ADMIN)])
    approval = events[-1]
    assert isinstance(approval, VendorApproved)
    assert approval.expires_at == NOW + timedelta(days=365)
    [timer] = VENDOR.timers(approval)
    assert timer.kind == REGISTRATION_EXPIRY and timer.due_at == approval.expires_at
    assert state.status == "approved"


def test_only_admins_approve_or_reject_and_only_submitted_registrations():
    draft, _ = VENDOR.run([(register(), OWNER)])
    with pytest.raises(Conflict):
        VENDOR.decide(ApproveVendor(registration_days=365), draft, ADMIN)
    submitted = VENDOR.fold(VENDOR.decide(SubmitVendor(), draft, OWNER), draft)
    with pytest.raises(Forbidden):
        VENDOR.decide(ApproveVendor(registration_days=365), submitted, OWNER)
    with pytest.raises(Forbidden):
        VENDOR.decide(RejectVendor(reason="x"), submitted, BUYER)
    with pytest.raises(Invalid):
        VENDOR.decide(RejectVendor(reason="  "), submitted, ADMIN)
    rejected = VENDOR.fold(VENDOR.decide(RejectVendor(reason="bad address"), submitted, ADMIN), submitted)
    assert rejected.status == "rejected" and rejected.rejection_reason == "bad address"
    with pytest.raises(Conflict):
        VENDOR.decide(UpdateProfile(employees=1), rejected, OWNER)
    with pytest.raises(Conflict):
        VENDOR.decide(SubmitVendor(), rejected, OWNER)


def test_registration_expires_only_when_its_time_has_come():
    state = approved()
    assert VENDOR.decide(ExpireRegistration(), state, SYSTEM) == []
    later = at(SYSTEM, NOW + timedelta(days=365))
    events = VENDOR.decide(ExpireRegistration(), state, later)
    assert events == [VendorRegistrationExpired(vendor_id="v1", expired_at=state.expires_at)]
    with pytest.raises(Forbidden):
        VENDOR.decide(ExpireRegistration(), state, at(OWNER, NOW + timedelta(days=400)))


def test_renewal_window_and_new_expiry():
    state = approved()
    with pytest.raises(Conflict) as err:
        VENDOR.decide(RenewVendor(registration_days=365), state, OWNER)
    assert err.value.code == "renewal_not_open"
    early = at(OWNER, NOW + timedelta(days=300))
    [renewed] = VENDOR.decide(RenewVendor(registration_days=365), state, early)
    assert renewed.expires_at == NOW + timedelta(days=730), "renewing early keeps the remaining days"
    assert VENDOR.timers(renewed)[0].due_at == renewed.expires_at
    expired = VENDOR.fold(VENDOR.decide(ExpireRegistration(), state, at(SYSTEM, NOW + timedelta(days=365))), state)
    assert expired.status == "expired"
    late = NOW + timedelta(days=400)
    [again] = VENDOR.decide(RenewVendor(registration_days=365), expired, at(OWNER, late))
    assert isinstance(again, VendorRenewed) and again.expires_at == late + timedelta(days=365)
    assert VENDOR.fold([again], expired).status == "approved"
    with pytest.raises(Forbidden):
        VENDOR.decide(RenewVendor(registration_days=365), expired, at(STRANGER, late))


def test_a_stale_expiry_timer_after_renewal_decides_nothing():
    state = approved()
    renewed = VENDOR.fold(VENDOR.decide(RenewVendor(registration_days=365), state,
                                        at(OWNER, NOW + timedelta(days=300))), state)
    assert VENDOR.decide(ExpireRegistration(), renewed, at(SYSTEM, NOW + timedelta(days=365))) == []


def test_drafts_cannot_be_renewed():
    state, _ = VENDOR.run([(register(), OWNER)])
    with pytest.raises(Conflict):
        VENDOR.decide(RenewVendor(registration_days=365), state, OWNER)


def test_certification_is_pending_until_an_admin_verifies_it():
    state, events = VENDOR.run([(register(), OWNER), (certification(), OWNER)])
    added = events[-1]
    assert isinstance(added, CertificationAdded)
    assert state.certification("c1").status == "pending"
    [timer] = VENDOR.timers(added)
    assert timer.kind == CERTIFICATION_EXPIRY and timer.payload == {"cert_id": "c1"}
    assert timer.due_at == certification_ends(date(2030, 12, 31))
    with pytest.raises(Forbidden):
        VENDOR.decide(VerifyCertification(cert_id="c1"), state, OWNER)
    [verified] = VENDOR.decide(VerifyCertification(cert_id="c1"), state, ADMIN)
    assert verified == CertificationVerified(vendor_id="v1", cert_id="c1", verified_at=NOW)
    state = VENDOR.fold([verified], state)
    assert state.certification("c1").status == "verified"
    assert VENDOR.decide(VerifyCertification(cert_id="c1"), state, ADMIN) == []
    with pytest.raises(NotFound):
        VENDOR.decide(VerifyCertification(cert_id="nope"), state, ADMIN)


@pytest.mark.parametrize("overrides, field", [
    ({"program": "XYZ"}, "program"),
    ({"expiry_date": date(2029, 12, 31)}, "expiry_date"),
    ({"expiry_date": date(2030, 1, 1)}, "expiry_date"),
    ({"effective_date": date(2028, 1, 1), "expiry_date": date(2029, 1, 1)}, "expiry_date"),
    ({"issuing_body": " "}, "issuing_body"),
    ({"number": ""}, "number"),
    ({"documents": [DocumentRef(name="c.pdf", media_type="pdf", sha256="a" * 64, size=10)]},
     "documents[0].media_type"),
    ({"documents": [DocumentRef(name="c.pdf", media_type="application/pdf", sha256="xyz", size=10)]},
     "documents[0].sha256"),
    ({"documents": [DocumentRef(name="c.pdf", media_type="application/pdf", sha256="a" * 64, size=0)]},
     "documents[0].size"),
    ({"documents": [DocumentRef(name=" ", media_type="application/pdf", sha256="a" * 64, size=1)]},
     "documents[0].name"),
])
def test_bad_certifications_name_the_field(overrides, field):
    state, _ = VENDOR.run([(register(), OWNER)])
    with pytest.raises(Invalid) as err:
        VENDOR.decide(certification(**overrides), state, OWNER)
    assert field_of(err) == field


def test_duplicate_certificates_are_refused():
    state, _ = VENDOR.run([(register(), OWNER), (certification(), OWNER)])
    with pytest.raises(Conflict):
        VENDOR.decide(certification(), state, OWNER)
    with pytest.raises(Conflict):
        VENDOR.decide(certification(cert_id="c2"), state, OWNER)
    assert VENDOR.decide(certification(cert_id="c2", number="WBE-2"), state, OWNER)


def test_certifications_are_added_by_the_vendors_users_only():
    state, _ = VENDOR.run([(register(), OWNER)])
    for ctx in (STRANGER, BUYER):
        with pytest.raises(Forbidden):
            VENDOR.decide(certification(), state, ctx)


def test_certification_expires_after_its_expiry_date_and_keeps_its_verification():
    state, _ = VENDOR.run([(register(), OWNER), (certification(), OWNER),
                           (VerifyCertification(cert_id="c1"), ADMIN)])
    last_day = at(SYSTEM, datetime(2030, 12, 31, 23, 59, tzinfo=NOW.tzinfo))
    assert VENDOR.decide(ExpireCertification(cert_id="c1"), state, last_day) == []
    next_day = at(SYSTEM, certification_ends(date(2030, 12, 31)))
    events = VENDOR.decide(ExpireCertification(cert_id="c1"), state, next_day)
    assert events == [CertificationExpired(vendor_id="v1", cert_id="c1")]
    expired = VENDOR.fold(events, state).certification("c1")
    assert expired.status == "expired" and expired.verified_at == NOW
    assert VENDOR.decide(ExpireCertification(cert_id="c1"), VENDOR.fold(events, state), next_day) == []


def test_an_expired_certification_cannot_be_verified():
    state, _ = VENDOR.run([(register(), OWNER), (certification(), OWNER)])
    with pytest.raises(Conflict):
        VENDOR.decide(VerifyCertification(cert_id="c1"), state, at(ADMIN, datetime(2031, 1, 2, tzinfo=NOW.tzinfo)))


def test_admin_rejects_a_pending_certification_with_a_reason():
    state, _ = VENDOR.run([(register(), OWNER), (certification(), OWNER)])
    with pytest.raises(Invalid):
        VENDOR.decide(RejectCertification(cert_id="c1", reason=""), state, ADMIN)
    [event] = VENDOR.decide(RejectCertification(cert_id="c1", reason="certificate number unknown"), state, ADMIN)
    assert isinstance(event, CertificationRejected)
    rejected = VENDOR.fold([event], state)
    assert rejected.certification("c1").status == "rejected"
    with pytest.raises(Conflict):
        VENDOR.decide(VerifyCertification(cert_id="c1"), rejected, ADMIN)
    assert VENDOR.decide(certification(cert_id="c2"), rejected, OWNER), "a corrected copy can be added"


def test_owner_invites_colleagues_who_then_act_for_the_vendor():
    state, events = VENDOR.run([(register(), OWNER), (InviteUser(user="colleague-1"), OWNER)])
    assert events[-1] == UserInvited(vendor_id="v1", user="colleague-1")
    assert state.is_user("colleague-1")
    with pytest.raises(Conflict):
        VENDOR.decide(InviteUser(user="colleague-1"), state, OWNER)
    with pytest.raises(Forbidden):
        VENDOR.decide(InviteUser(user="someone"), state, COLLEAGUE)
    with pytest.raises(Forbidden):
        VENDOR.decide(InviteUser(user="someone"), state, STRANGER)
    assert VENDOR.decide(SubmitVendor(), state, COLLEAGUE)


def test_flagging_the_same_exclusion_twice_records_it_once():
    state, _ = VENDOR.run([(register(), OWNER)])
    hit = ExclusionHit(exclusion_id="ex1", reason="fraud")
    [flag] = VENDOR.decide(FlagExcluded(hits=[hit]), state, SYSTEM)
    assert VENDOR.decide(FlagExcluded(hits=[hit]), VENDOR.fold([flag], state), SYSTEM) == []
    with pytest.raises(Forbidden):
        VENDOR.decide(FlagExcluded(hits=[hit]), state, OWNER)


def test_state_is_rebuilt_from_events_alone():
    commands = [(register(), OWNER), (SubmitVendor(), OWNER), (ApproveVendor(registration_days=30), ADMIN),
                (certification(), OWNER), (InviteUser(user="colleague-1"), OWNER),
                (UpdateProfile(address=ADDRESS, dba="PS"), COLLEAGUE)]
    state, events = VENDOR.run(commands)
    assert VENDOR.fold(events) == state
    assert [type(e) for e in events][:3] == [VendorRegistered, VendorSubmitted, VendorApproved]
    assert isinstance(VENDOR.decide(RejectVendor(reason="x"), VENDOR.fold(events[:2]), ADMIN)[0], VendorRejected)
