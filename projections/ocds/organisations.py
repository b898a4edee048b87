"""Public facts about the organisations in a contracting process, and their OCDS parties.

Only what the public may see is kept: names, the locality of a vendor, its size and its
verified diversity certifications. Tax ids, contacts, street addresses and users never
enter these facts, so no release can carry them.
"""

from __future__ import annotations

from typing import Any

from events.agencies import AgencyRegistered
from events.base import Event
from events.vendors import (
    CertificationAdded,
    CertificationExpired,
    CertificationRejected,
    CertificationVerified,
    VendorProfileUpdated,
    VendorRegistered,
)
from kernel.programs import programs

#: extensions whose fields the parties' ``details`` use (declared in every package)
SCALE_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_partyDetails_scale_extension/master/extension.json"
)
CLASSIFICATION_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_organizationClassification_extension/master/extension.json"
)
CERTIFICATION_SCHEME = "civic-diversity-certification"

ORGANISATION_EVENTS: frozenset[type[Event]] = frozenset(
    {
        AgencyRegistered,
        VendorRegistered,
        VendorProfileUpdated,
        CertificationAdded,
        CertificationVerified,
        CertificationRejected,
        CertificationExpired,
    }
)


def org_id_of(data: dict[str, Any]) -> str:
    return data.get("agency_id") or data["vendor_id"]


def evolve(event: Event, data: dict[str, Any], facts: dict[str, Any] | None) -> dict[str, Any]:
    """The organisation's public facts after one of ``ORGANISATION_EVENTS``."""
    facts = dict(facts or {})
    match event:
        case AgencyRegistered():
            facts.update(name=data["name"], region=data.get("jurisdiction") or None)
        case VendorRegistered() | VendorProfileUpdated():
            if data.get("legal_name"):
                facts["name"] = data["legal_name"]
            if data.get("address"):
                facts["locality"] = data["address"]["city"]
                facts["region"] = data["address"]["state"]
            if data.get("employees") is not None:
                facts["employees"] = data["employees"]
        case CertificationAdded():
            certs = dict(facts.get("certifications", {}))
            certs[data["cert_id"]] = {
                "program": data["program"],
                "issuing_body": data["issuing_body"],
                "status": "added",
            }
            facts["certifications"] = certs
        case (
            CertificationVerified()
            | CertificationRejected()
            | CertificationExpired()
        ):
            certs = dict(facts.get("certifications", {}))
            if data["cert_id"] in certs:
                status = type(event).__name__.removeprefix("Certification").lower()
                certs[data["cert_id"]] = {**certs[data["cert_id"]], "status": status}
                facts["certifications"] = certs
    return facts


def scale(employees: int) -> str:
    """The partyScale code for a head count (micro under 10, SME under 250)."""
    if employees < 10:
        return "micro"
    if employees < 250:
        return "sme"
    return "large"


def _classifications(facts: dict[str, Any]) -> list[dict[str, Any]]:
    names = programs()
    found: dict[str, dict[str, Any]] = {}
    for cert in facts.get("certifications", {}).values():
        if cert["status"] == "verified" and cert["program"] not in found:
            found[cert["program"]] = {
                "scheme": CERTIFICATION_SCHEME,
                "id": cert["program"],
                "description": f"{names.get(cert['program'], cert['program'])}"
                f" (certified by {cert['issuing_body']})",
            }
    return [found[k] for k in sorted(found)]


def reference(org_id: str, facts: dict[str, Any] | None) -> dict[str, Any]:
    """An OrganizationReference: the id and, once known, the name."""
    ref: dict[str, Any] = {"id": org_id}
    if facts and facts.get("name"):
        ref["name"] = facts["name"]
    return ref


def party(org_id: str, facts: dict[str, Any] | None, roles: list[str]) -> dict[str, Any]:
    """An Organization of ``parties`` with all its roles in the process."""
    facts = facts or {}
    entry = {**reference(org_id, facts), "roles": list(roles)}
    address = {k: facts[k] for k in ("locality", "region") if facts.get(k)}
    if address:
        entry["address"] = address
    details: dict[str, Any] = {}
    if facts.get("employees") is not None:
        details["scale"] = scale(int(facts["employees"]))
    classifications = _classifications(facts)
    if classifications:
        details["classifications"] = classifications
    if details:
        entry["details"] = details
    return entry
