"""Public facts of organisations, from the real vendor and agency events."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec

from events import agencies, vendors
from projections.ocds.organisations import evolve, party, scale

AT = datetime(2026, 1, 5, tzinfo=UTC)


def _facts(*events):
    facts = None
    for event in events:
        facts = evolve(event, msgspec.to_builtins(event), facts)
    return facts


def _cert(cert_id, program):
    return vendors.CertificationAdded(
        vendor_id="v1",
        cert_id=cert_id,
        program=program,
        issuing_body="State",
        number="N-9",
        effective_date=date(2025, 1, 1),
        expiry_date=date(2027, 1, 1),
    )


def test_a_vendor_party_shows_name_locality_scale_and_verified_certifications_only():
    registered = vendors.VendorRegistered(
        vendor_id="v1",
        owner="owner-sub",
        legal_name="Acme Paving",
        tax_id="12-3456789",
        address=vendors.Address(line1="9 Elm St", city="Boise", state="ID", zip="83702"),
        contacts=[vendors.Contact(name="Pat", email="pat@acme.example")],
        employees=300,
        revenue_band="5M+",
    )
    facts = _facts(
        registered,
        _cert("c1", "WBE"),
        _cert("c2", "MBE"),
        _cert("c3", "DBE"),
        _cert("c4", "SBE"),
        vendors.CertificationVerified(vendor_id="v1", cert_id="c1", verified_at=AT),
        vendors.CertificationVerified(vendor_id="v1", cert_id="c3", verified_at=AT),
        vendors.CertificationExpired(vendor_id="v1", cert_id="c3"),
        vendors.CertificationRejected(vendor_id="v1", cert_id="c4", reason="no"),
        vendors.VendorProfileUpdated(vendor_id="v1", legal_name="Acme Paving & Sons", employees=40),
    )
    published = party("v1", facts, ["tenderer", "supplier"])
    assert published == {
        "id": "v1",
        "name": "Acme Paving & Sons",
        "roles": ["tenderer", "supplier"],
        "address": {"locality": "Boise", "region": "ID"},
        "details": {
            "scale": "sme",
            "classifications": [
                {
                    "scheme": "civic-diversity-certification",
                    "id": "WBE",
                    "description": "Women Business Enterprise (certified by State)",
                }
            ],
        },
    }
    text = msgspec.json.encode(facts).decode()
    for private in ("12-3456789", "pat@acme.example", "9 Elm St", "owner-sub", "N-9"):
        assert private not in text


def test_an_agency_is_a_name_and_its_jurisdiction():
    facts = _facts(
        agencies.AgencyRegistered(agency_id="ag1", name="Parks Dept", jurisdiction="US-CO")
    )
    assert party("ag1", facts, ["buyer"]) == {
        "id": "ag1",
        "name": "Parks Dept",
        "roles": ["buyer"],
        "address": {"region": "US-CO"},
    }


def test_scale_by_head_count():
    assert [scale(n) for n in (0, 9, 10, 249, 250)] == ["micro", "micro", "sme", "sme", "large"]


def test_an_unknown_organisation_is_just_its_id():
    assert party("v9", None, ["payee"]) == {"id": "v9", "roles": ["payee"]}
