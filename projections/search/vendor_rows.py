"""Vendor events -> the public directory (``search_vendors``, ``search_vendor_certifications``).

Only public fields are kept here (name, city, state, ZIP, commodity codes, status and
certifications); tax ids, contacts, street address, size and revenue never reach this
read model, so no query can leak them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from events.base import Event
from events.vendors import (
    CertificationAdded,
    CertificationExpired,
    CertificationRejected,
    CertificationVerified,
    VendorApproved,
    VendorFlaggedExcluded,
    VendorProfileUpdated,
    VendorRegistered,
    VendorRegistrationExpired,
    VendorRejected,
    VendorRenewed,
    VendorSubmitted,
)
from infra.eventstore import RecordedEvent
from kernel.commodities import prefixes
from projections.statements import Statement

_NEWER = "(src_tx, src_pos) < ($2::bigint, $3::bigint)"

_REGISTER = """
INSERT INTO search_vendors (vendor_id, src_tx, src_pos, legal_name, dba, city, state, zip,
    commodity_codes, commodity_prefixes)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (vendor_id) DO NOTHING
"""

_PROFILE = f"""
UPDATE search_vendors SET src_tx = $2, src_pos = $3, legal_name = coalesce($4, legal_name),
    dba = coalesce($5, dba), city = coalesce($6, city), state = coalesce($7, state),
    zip = coalesce($8, zip), commodity_codes = coalesce($9, commodity_codes),
    commodity_prefixes = coalesce($10, commodity_prefixes)
WHERE vendor_id = $1 AND {_NEWER}
"""

_STATUS = f"""
UPDATE search_vendors SET src_tx = $2, src_pos = $3, status = $4,
    approved_at = coalesce($5, approved_at), expires_at = coalesce($6, expires_at)
WHERE vendor_id = $1 AND {_NEWER}
"""

_EXCLUDED = f"UPDATE search_vendors SET src_tx = $2, src_pos = $3, excluded = true WHERE vendor_id = $1 AND {_NEWER}"

_CERT_ADDED = """
INSERT INTO search_vendor_certifications (vendor_id, cert_id, src_tx, src_pos, program,
    effective_date, expiry_date)
VALUES ($1, $4, $2, $3, $5, $6, $7)
ON CONFLICT (vendor_id, cert_id) DO NOTHING
"""

_CERT_CHANGE = f"""
UPDATE search_vendor_certifications SET src_tx = $2, src_pos = $3,
    verified_at = coalesce($5, verified_at), ended_on = coalesce($6, ended_on),
    rejected = rejected OR $7
WHERE vendor_id = $1 AND cert_id = $4 AND {_NEWER}
"""


def _codes(codes: Any) -> tuple[list[str] | None, list[str] | None]:
    return (None, None) if codes is None else (list(codes), prefixes(codes))


def registered(r: RecordedEvent) -> list[Statement]:
    e: Any = r.event
    at = r.position
    codes, found = _codes(e.commodity_codes)
    address = e.address
    return [(_REGISTER, (e.vendor_id, *at, e.legal_name, e.dba or "", address.city, address.state,
                         address.zip, codes, found))]


def profile_updated(r: RecordedEvent) -> list[Statement]:
    e: Any = r.event
    at = r.position
    codes, found = _codes(e.commodity_codes)
    address = e.address
    return [(_PROFILE, (e.vendor_id, *at, e.legal_name, e.dba,
                        address.city if address else None, address.state if address else None,
                        address.zip if address else None, codes, found))]


def status(name: str) -> Callable[[RecordedEvent], list[Statement]]:
    def apply(r: RecordedEvent) -> list[Statement]:
        e: Any = r.event
        at = r.position
        return [(_STATUS, (e.vendor_id, *at, name, getattr(e, "approved_at", None),
                           getattr(e, "expires_at", None)))]

    return apply


def excluded(r: RecordedEvent) -> list[Statement]:
    e: Any = r.event
    at = r.position
    return [(_EXCLUDED, (e.vendor_id, *at))]


def cert_added(r: RecordedEvent) -> list[Statement]:
    e: Any = r.event
    at = r.position
    return [(_CERT_ADDED, (e.vendor_id, *at, e.cert_id, e.program, e.effective_date, e.expiry_date))]


def cert_verified(r: RecordedEvent) -> list[Statement]:
    e: Any = r.event
    at = r.position
    return [(_CERT_CHANGE, (e.vendor_id, *at, e.cert_id, e.verified_at, None, False))]


def cert_rejected(r: RecordedEvent) -> list[Statement]:
    e: Any = r.event
    at = r.position
    return [(_CERT_CHANGE, (e.vendor_id, *at, e.cert_id, None, None, True))]


def cert_expired(r: RecordedEvent) -> list[Statement]:
    """The certification stops counting on the day the expiry was recorded."""
    e: Any = r.event
    return [(_CERT_CHANGE, (e.vendor_id, *r.position, e.cert_id, None, r.metadata.occurred_at.date(), False))]


HANDLERS: dict[type[Event], Callable[[RecordedEvent], list[Statement]]] = {
    VendorRegistered: registered,
    VendorProfileUpdated: profile_updated,
    VendorSubmitted: status("submitted"),
    VendorApproved: status("approved"),
    VendorRenewed: status("approved"),
    VendorRejected: status("rejected"),
    VendorRegistrationExpired: status("expired"),
    VendorFlaggedExcluded: excluded,
    CertificationAdded: cert_added,
    CertificationVerified: cert_verified,
    CertificationRejected: cert_rejected,
    CertificationExpired: cert_expired,
}
