"""Stories of agencies and vendors: registration, goals, certifications, approval,
renewal, and the exclusions some vendors earn."""

from __future__ import annotations

import hashlib

from services.demo.catalog import COMMODITIES, ISSUERS
from services.demo.plan import MORNING, SPAN, AgencyPlan, VendorPlan
from services.demo.timeline import Story
from services.demo.world import World


async def agency_story(world: World, agency: AgencyPlan) -> Story:
    yield MORNING - 1 / 24
    await world.api.post("/agencies", world.api.admin, {
        "agency_id": agency.agency_id, "name": agency.name, "jurisdiction": agency.jurisdiction,
        "goals": [{"program": p, "percent": pct} for p, pct in agency.goals],
        # the late-interest rate is the statutory one of the agency's pack (RCW 39.76.011 for Seattle)
        "prompt_payment_days": agency.prompt_payment_days,
        "time_zone": agency.time_zone,
    }, key=f"{agency.agency_id}:register", ok=(201,))
    world.tally["agencies"] += 1


def _registration(vendor: VendorPlan) -> dict[str, object]:
    place = vendor.place
    email = vendor.contact.lower().replace(" ", ".")
    return {
        "vendor_id": vendor.vendor_id, "legal_name": vendor.legal_name,
        "dba": vendor.legal_name.rsplit(" ", 2)[0], "tax_id": vendor.tax_id,
        "address": {"line1": vendor.street, "city": place.city, "state": place.state,
                    "zip": f"{place.zip_prefix}{int(vendor.tax_id[-2:]):02d}"},
        "contacts": [{"name": vendor.contact, "email": f"{email}@example.com", "title": "Owner"}],
        "employees": vendor.employees, "revenue_band": vendor.revenue_band,
        "commodity_codes": list(vendor.codes),
        "capability_statement": _capability(vendor),
    }


def _capability(vendor: VendorPlan) -> str:
    """What the business says it does, in words of its own trade."""
    trades = [c.what for code in vendor.codes for c in COMMODITIES if c.code == code]
    return (f"{vendor.legal_name.rsplit(' ', 1)[0]} works in {', '.join(trades) or 'general services'} "
            f"for public agencies around {vendor.place.city}, {vendor.place.state}.")


async def vendor_story(world: World, vendor: VendorPlan) -> Story:
    api, vid = world.api, vendor.vendor_id
    owner = api.as_("vendor", vendor.owner)
    yield vendor.onboard_day
    await api.post("/vendors", owner, _registration(vendor), key=f"{vid}:register", ok=(201,))
    if vendor.fate == "draft":
        world.tally["vendors.draft"] += 1
        return
    for cert in vendor.certs:
        document = f"{cert.program} certificate {cert.number}.pdf"
        await api.post(f"/vendors/{vid}/certifications", owner, {
            "cert_id": cert.cert_id, "program": cert.program,
            "issuing_body": ISSUERS[cert.program], "number": cert.number,
            "effective_date": world.date_of(cert.effective_day).isoformat(),
            "expiry_date": world.date_of(cert.expiry_day).isoformat(),
            "documents": [{"name": document, "media_type": "application/pdf",
                           "sha256": hashlib.sha256(document.encode()).hexdigest(), "size": 48_213}],
        }, key=f"{cert.cert_id}:submit", ok=(201,))
        await api.upload(f"/vendors/{vid}/documents", owner, title=f"{cert.program} certificate", kind="certification_evidence",
                         lines=(f"{ISSUERS[cert.program]}", f"Certificate {cert.number}"), key=f"{cert.cert_id}:evidence",
                         certification=cert.cert_id)
        world.tally["documents"] += 1
    await api.upload(f"/vendors/{vid}/documents", owner, title="Certificate of insurance", kind="insurance_certificate",
                     lines=(vendor.legal_name, "General liability 2,000,000 USD"), key=f"{vid}:insurance",
                     expires_on=world.date_of(vendor.onboard_day + 365).isoformat())
    world.tally["documents"] += 1
    await api.post(f"/vendors/{vid}/submit", owner, key=f"{vid}:submit", ok=(200,))
    if vendor.fate == "pending":
        world.tally["vendors.awaiting_approval"] += 1
        return
    yield vendor.approved_day
    if vendor.fate == "rejected":
        await api.post(f"/vendors/{vid}/reject", api.admin, {"reason": "the tax id does not match the "
                       "business name on file"}, key=f"{vid}:reject", ok=(200,))
        world.tally["vendors.rejected"] += 1
        return
    await api.post(f"/vendors/{vid}/approve", api.admin, key=f"{vid}:approve", ok=(200,))
    world.tally["vendors.approved"] += 1
    for cert in vendor.certs:
        if cert.verdict == "pending":
            world.tally["certifications.pending"] += 1
            continue
        path = f"/vendors/{vid}/certifications/{cert.cert_id}/{cert.verdict}"
        body = {"reason": "the certificate number is not on the issuer's list"} if cert.verdict == "reject" else None
        await api.post(path, api.admin, body, key=f"{cert.cert_id}:{cert.verdict}", ok=(200,))
        world.tally[f"certifications.{'verified' if cert.verdict == 'verify' else 'rejected'}"] += 1
        if cert.verdict == "verify" and cert.expiry_day < SPAN:
            world.tally["certifications.expired_during_period"] += 1
    if vendor.renew_day is not None:
        yield vendor.renew_day
        await api.post(f"/vendors/{vid}/renew", owner, key=f"{vid}:renew", ok=(200,))
        world.tally["vendors.renewed"] += 1
    elif vendor.registered_until() < SPAN:
        world.tally["vendors.expired"] += 1
    if vendor.excluded_day is not None:
        yield vendor.excluded_day
        await api.post("/exclusions", api.admin, {
            "name": vendor.legal_name, "tax_id": vendor.tax_id,
            "reason": "debarred after a false claims settlement",
            "from_date": world.date_of(vendor.excluded_day).isoformat(),
        }, key=f"{vid}:exclude", ok=(201,))
        world.tally["vendors.excluded"] += 1

