"""Agencies, vendors, certifications, solicitations and contracts: what the diversity facts
are attributed with (goals, certification windows, agency and commodity category)."""

from __future__ import annotations

from typing import Any

import msgspec

from events.agencies import AgencyGoalsSet, AgencyRegistered
from events.base import Event
from events.contracts import ContractOpened
from events.vendors import (
    VendorApproved,
    VendorProfileUpdated,
    VendorRegistered,
    VendorRegistrationExpired,
    VendorRejected,
    VendorRenewed,
)
from infra.eventstore import RecordedEvent
from projections.statements import Bulk, fields, position
from projections.vendor_reference import certification_handlers, solicitation_handlers

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
    return (e.agency_id, getattr(e, "name", None), goals, *position(r))


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
    return (fields(r).vendor_id, None if codes is None else " ".join(codes), *position(r))


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
        return (fields(r).vendor_id, name, approved_at.date() if approved_at else None, *position(r))

    return Bulk((_VENDOR_STATUS,), row)


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
    **certification_handlers("diversity_certifications"),
    **solicitation_handlers("diversity_solicitations"),
    ContractOpened: Bulk((_CONTRACT,), lambda r: (
        fields(r).contract_id, fields(r).solicitation_id, fields(r).agency_id, fields(r).vendor_id)),
}
