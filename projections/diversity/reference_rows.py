"""Agencies, vendors, certifications, solicitations and contracts: what the diversity facts
are attributed with (goals, certification windows, agency and commodity category)."""

from __future__ import annotations

from typing import Any

import msgspec

from events.agencies import AgencyGoalsSet, AgencyRegistered
from events.base import Event
from events.contracts import ContractOpened
from events.solicitations import SolicitationCreated, SolicitationUpdated
from events.vendors import (
    CertificationAdded,
    CertificationExpired,
    CertificationRejected,
    CertificationVerified,
    VendorApproved,
    VendorProfileUpdated,
    VendorRegistered,
    VendorRegistrationExpired,
    VendorRejected,
    VendorRenewed,
)
from infra.eventstore import RecordedEvent
from projections.commodity import category_of
from projections.statements import Bulk, fields


def _position(r: RecordedEvent) -> tuple[int, int]:
    return r.position.transaction_id, r.position.position


_AGENCY = """
INSERT INTO diversity_agencies AS a (agency_id, name, goals, src_tx, src_pos)
SELECT DISTINCT ON (id) id, name, goals::jsonb, tx, pos
FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS i(id, name, goals, tx, pos)
ORDER BY id, tx DESC, pos DESC
ON CONFLICT (agency_id) DO UPDATE SET name = coalesce(EXCLUDED.name, a.name), goals = EXCLUDED.goals,
    src_tx = EXCLUDED.src_tx, src_pos = EXCLUDED.src_pos
WHERE (a.src_tx, a.src_pos) < (EXCLUDED.src_tx, EXCLUDED.src_pos)
"""


def _agency_row(r: RecordedEvent) -> tuple[Any, ...]:
    e: Any = r.event
    goals = msgspec.json.encode([{"program": g.program, "percent": g.percent} for g in e.goals]).decode()
    return (e.agency_id, getattr(e, "name", None), goals, *_position(r))


_VENDOR = """
INSERT INTO diversity_vendors (vendor_id, commodity_codes, src_tx, src_pos)
SELECT DISTINCT ON (id) id, string_to_array(codes, ' '), tx, pos
FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS i(id, codes, tx, pos)
ORDER BY id, tx DESC, pos DESC
ON CONFLICT (vendor_id) DO NOTHING
"""

_VENDOR_CODES = """
UPDATE diversity_vendors v SET commodity_codes = string_to_array(i.codes, ' '), src_tx = i.tx, src_pos = i.pos
FROM (SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
      AS i(id, codes, tx, pos) WHERE codes IS NOT NULL ORDER BY id, tx DESC, pos DESC) i
WHERE v.vendor_id = i.id AND (v.src_tx, v.src_pos) < (i.tx, i.pos)
"""


def _vendor_row(r: RecordedEvent) -> tuple[Any, ...]:
    codes = fields(r).commodity_codes
    return (fields(r).vendor_id, None if codes is None else " ".join(codes), *_position(r))


_VENDOR_STATUS = """
UPDATE diversity_vendors v SET status = i.status, approved_on = coalesce(v.approved_on, i.approved_on),
    src_tx = i.tx, src_pos = i.pos
FROM (SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::text[], $3::date[], $4::bigint[], $5::bigint[])
      AS i(id, status, approved_on, tx, pos) ORDER BY id, tx DESC, pos DESC) i
WHERE v.vendor_id = i.id AND (v.src_tx, v.src_pos) < (i.tx, i.pos)
"""


def _status(name: str) -> Bulk:
    def row(r: RecordedEvent) -> tuple[Any, ...]:
        approved_at = getattr(r.event, "approved_at", None)
        return (fields(r).vendor_id, name, approved_at.date() if approved_at else None, *_position(r))

    return Bulk((_VENDOR_STATUS,), row)


_CERT_ADDED = """
INSERT INTO diversity_certifications (vendor_id, cert_id, program, effective_date, expiry_date, src_tx, src_pos)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::date[], $6::bigint[], $7::bigint[])
ON CONFLICT (vendor_id, cert_id) DO NOTHING
"""


def _cert_added(r: RecordedEvent) -> tuple[Any, ...]:
    e: Any = r.event
    return (e.vendor_id, e.cert_id, e.program, e.effective_date, e.expiry_date, *_position(r))


_CERT_CHANGE = """
UPDATE diversity_certifications c SET verified_on = coalesce(i.verified_on, c.verified_on),
    ended_on = coalesce(i.ended_on, c.ended_on), rejected = c.rejected OR i.rejected,
    src_tx = i.tx, src_pos = i.pos
FROM (SELECT DISTINCT ON (vendor_id, cert_id) * FROM unnest($1::text[], $2::text[], $3::date[],
      $4::date[], $5::boolean[], $6::bigint[], $7::bigint[])
      AS i(vendor_id, cert_id, verified_on, ended_on, rejected, tx, pos)
      ORDER BY vendor_id, cert_id, tx DESC, pos DESC) i
WHERE c.vendor_id = i.vendor_id AND c.cert_id = i.cert_id AND (c.src_tx, c.src_pos) < (i.tx, i.pos)
"""


def _cert_verified(r: RecordedEvent) -> tuple[Any, ...]:
    e: Any = r.event
    return (e.vendor_id, e.cert_id, e.verified_at.date(), None, False, *_position(r))


def _cert_rejected(r: RecordedEvent) -> tuple[Any, ...]:
    return (fields(r).vendor_id, fields(r).cert_id, None, None, True, *_position(r))


def _cert_expired(r: RecordedEvent) -> tuple[Any, ...]:
    # The event carries no date: the certification stops counting the day it was recorded.
    return (fields(r).vendor_id, fields(r).cert_id, None, r.metadata.occurred_at.date(), False, *_position(r))


_SOLICITATION = """
INSERT INTO diversity_solicitations AS s (solicitation_id, agency_id, category, src_tx, src_pos)
SELECT DISTINCT ON (id) id, agency, category, tx, pos
FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS i(id, agency, category, tx, pos)
ORDER BY id, tx DESC, pos DESC
ON CONFLICT (solicitation_id) DO NOTHING
"""

_SOLICITATION_UPDATE = """
UPDATE diversity_solicitations s SET category = i.category, src_tx = i.tx, src_pos = i.pos
FROM (SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
      AS i(id, category, tx, pos) ORDER BY id, tx DESC, pos DESC) i
WHERE s.solicitation_id = i.id AND (s.src_tx, s.src_pos) < (i.tx, i.pos)
"""

_CONTRACT = """
INSERT INTO diversity_contracts (contract_id, solicitation_id, agency_id, vendor_id)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
ON CONFLICT (contract_id) DO NOTHING
"""

HANDLERS: dict[type[Event], Bulk] = {
    AgencyRegistered: Bulk((_AGENCY,), _agency_row),
    AgencyGoalsSet: Bulk((_AGENCY,), _agency_row),
    VendorRegistered: Bulk((_VENDOR,), _vendor_row),
    VendorProfileUpdated: Bulk((_VENDOR_CODES,), _vendor_row),
    VendorApproved: _status("approved"),
    VendorRenewed: _status("approved"),
    VendorRejected: _status("rejected"),
    VendorRegistrationExpired: _status("expired"),
    CertificationAdded: Bulk((_CERT_ADDED,), _cert_added),
    CertificationVerified: Bulk((_CERT_CHANGE,), _cert_verified),
    CertificationRejected: Bulk((_CERT_CHANGE,), _cert_rejected),
    CertificationExpired: Bulk((_CERT_CHANGE,), _cert_expired),
    SolicitationCreated: Bulk((_SOLICITATION,), lambda r: (
        fields(r).solicitation_id, fields(r).agency_id, category_of(fields(r).commodity_codes), *_position(r))),
    SolicitationUpdated: Bulk((_SOLICITATION_UPDATE,), lambda r: (
        fields(r).solicitation_id, category_of(fields(r).commodity_codes), *_position(r))),
    ContractOpened: Bulk((_CONTRACT,), lambda r: (
        fields(r).contract_id, fields(r).solicitation_id, fields(r).agency_id, fields(r).vendor_id)),
}
