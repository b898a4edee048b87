"""Certifications and solicitation categories, kept the same way by every read model that
attributes facts to certification programs and commodity categories (supplier diversity,
spend): each read model names its own tables, the SQL and rows are these."""

from __future__ import annotations

from typing import Any

from events.base import Event
from events.solicitations import SolicitationCreated, SolicitationUpdated
from events.vendors import (
    CertificationAdded,
    CertificationExpired,
    CertificationRejected,
    CertificationVerified,
)
from infra.eventstore import RecordedEvent
from projections.commodity import category_of
from projections.statements import Bulk, fields, position

_CERT_ADDED = """
INSERT INTO {table} (vendor_id, cert_id, program, effective_date, expiry_date, src_tx, src_pos)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::date[], $6::bigint[], $7::bigint[])
ON CONFLICT (vendor_id, cert_id) DO NOTHING
"""

_CERT_CHANGE = """
UPDATE {table} c SET verified_on = coalesce(i.verified_on, c.verified_on),
    ended_on = coalesce(i.ended_on, c.ended_on), rejected = c.rejected OR i.rejected,
    src_tx = i.tx, src_pos = i.pos
FROM (SELECT DISTINCT ON (vendor_id, cert_id) * FROM unnest($1::text[], $2::text[], $3::date[],
      $4::date[], $5::boolean[], $6::bigint[], $7::bigint[])
      AS i(vendor_id, cert_id, verified_on, ended_on, rejected, tx, pos)
      ORDER BY vendor_id, cert_id, tx DESC, pos DESC) i
WHERE c.vendor_id = i.vendor_id AND c.cert_id = i.cert_id AND (c.src_tx, c.src_pos) < (i.tx, i.pos)
"""


def _cert_added(r: RecordedEvent) -> tuple[Any, ...]:
    e = fields(r)
    return (e.vendor_id, e.cert_id, e.program, e.effective_date, e.expiry_date, *position(r))


def _cert_change(r: RecordedEvent) -> tuple[Any, ...]:
    e = fields(r)
    match r.event:
        case CertificationVerified():
            return (e.vendor_id, e.cert_id, e.verified_at.date(), None, False, *position(r))
        case CertificationRejected():
            return (e.vendor_id, e.cert_id, None, None, True, *position(r))
    # an expiry carries no date: the certification stops counting the day it was recorded
    return (e.vendor_id, e.cert_id, None, r.metadata.occurred_at.date(), False, *position(r))


def certification_handlers(table: str) -> dict[type[Event], Bulk]:
    """A vendor's certifications in ``table``: added, verified, rejected, expired."""
    added = Bulk((_CERT_ADDED.format(table=table),), _cert_added)
    change = Bulk((_CERT_CHANGE.format(table=table),), _cert_change)
    return {CertificationAdded: added, CertificationVerified: change, CertificationRejected: change,
            CertificationExpired: change}


_SOLICITATION = """
INSERT INTO {table} AS s (solicitation_id, agency_id, category, src_tx, src_pos)
SELECT DISTINCT ON (id) id, agency, category, tx, pos
FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS i(id, agency, category, tx, pos)
ORDER BY id, tx DESC, pos DESC
ON CONFLICT (solicitation_id) DO NOTHING
"""

_SOLICITATION_UPDATE = """
UPDATE {table} s SET category = i.category, src_tx = i.tx, src_pos = i.pos
FROM (SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
      AS i(id, category, tx, pos) ORDER BY id, tx DESC, pos DESC) i
WHERE s.solicitation_id = i.id AND (s.src_tx, s.src_pos) < (i.tx, i.pos)
"""


def _solicitation(r: RecordedEvent) -> tuple[Any, ...]:
    e = fields(r)
    return (e.solicitation_id, e.agency_id, category_of(e.commodity_codes), *position(r))


def _solicitation_update(r: RecordedEvent) -> tuple[Any, ...]:
    e = fields(r)
    return (e.solicitation_id, category_of(e.commodity_codes), *position(r))


def solicitation_handlers(table: str) -> dict[type[Event], Bulk]:
    """Each solicitation's agency and commodity category in ``table``, as created and updated."""
    return {SolicitationCreated: Bulk((_SOLICITATION.format(table=table),), _solicitation),
            SolicitationUpdated: Bulk((_SOLICITATION_UPDATE.format(table=table),), _solicitation_update)}
