"""Vendors, certifications, solicitations, contracts and invoices: what a payment is
attributed with (commodity category, programs, local or not, days to pay), and what the
forecast counts (contract end dates, vendors registered per commodity)."""

from __future__ import annotations

from typing import Any

from events.base import Event
from events.contracts import (
    ContractActivated,
    ContractCompleted,
    ContractModified,
    ContractOpened,
    ContractTerminated,
)
from events.invoices import InvoiceResubmitted, InvoiceSubmitted
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


def _words(values: list[str] | None) -> str | None:
    return None if values is None else " ".join(values)


_VENDOR = """
INSERT INTO spend_vendors (vendor_id, commodity_codes, local_agencies, src_tx, src_pos)
SELECT DISTINCT ON (id) id, string_to_array(codes, ' '), string_to_array(locals, ' '), tx, pos
FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS i(id, codes, locals, tx, pos)
ORDER BY id, tx DESC, pos DESC
ON CONFLICT (vendor_id) DO NOTHING
"""

# Only the fields an update names change (``None``: unchanged).
_VENDOR_PROFILE = """
UPDATE spend_vendors v SET commodity_codes = coalesce(string_to_array(i.codes, ' '), v.commodity_codes),
    local_agencies = coalesce(string_to_array(i.locals, ' '), v.local_agencies), src_tx = i.tx, src_pos = i.pos
FROM (SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
      AS i(id, codes, locals, tx, pos) ORDER BY id, tx DESC, pos DESC) i
WHERE v.vendor_id = i.id AND (v.src_tx, v.src_pos) < (i.tx, i.pos)
"""


def _vendor_row(r: RecordedEvent) -> tuple[Any, ...]:
    e = fields(r)
    return (e.vendor_id, _words(e.commodity_codes), _words(e.local_agencies), *position(r))


_VENDOR_STATUS = """
UPDATE spend_vendors v SET status = i.status, src_tx = i.tx, src_pos = i.pos
FROM (SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
      AS i(id, status, tx, pos) ORDER BY id, tx DESC, pos DESC) i
WHERE v.vendor_id = i.id AND (v.src_tx, v.src_pos) < (i.tx, i.pos)
"""


def _status(name: str) -> Bulk:
    return Bulk((_VENDOR_STATUS,), lambda r: (fields(r).vendor_id, name, *position(r)))


# The category of a contract is that of the solicitation it came from, when it was opened.
_CONTRACT = """
INSERT INTO spend_contracts (contract_id, solicitation_id, agency_id, vendor_id, category, currency, value,
    start_date, end_date, src_tx, src_pos)
SELECT DISTINCT ON (id) id, sid, agency, vendor,
    coalesce((SELECT s.category FROM spend_solicitations s WHERE s.solicitation_id = i.sid), ''),
    currency, value, start_date, end_date, tx, pos
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::date[], $8::date[],
            $9::bigint[], $10::bigint[]) AS i(id, sid, agency, vendor, currency, value, start_date, end_date, tx, pos)
ORDER BY id, tx DESC, pos DESC
ON CONFLICT (contract_id) DO NOTHING
"""


def _contract(r: RecordedEvent) -> tuple[Any, ...]:
    e = fields(r)
    return (e.contract_id, e.solicitation_id, e.agency_id, e.vendor_id, e.value.currency, e.value.amount,
            e.start_date, e.end_date, *position(r))


# value, end date and status change with amendments and endings; ``None`` keeps what is there
_CONTRACT_CHANGE = """
UPDATE spend_contracts c SET value = coalesce(i.value, c.value), end_date = coalesce(i.end_date, c.end_date),
    status = coalesce(i.status, c.status), src_tx = i.tx, src_pos = i.pos
FROM (SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::bigint[], $3::date[], $4::text[], $5::bigint[],
      $6::bigint[]) AS i(id, value, end_date, status, tx, pos) ORDER BY id, tx DESC, pos DESC) i
WHERE c.contract_id = i.id AND (c.src_tx, c.src_pos) < (i.tx, i.pos)
"""


def _contract_change(r: RecordedEvent) -> tuple[Any, ...]:
    e: Any = r.event
    match r.event:
        case ContractActivated():
            return (e.contract_id, None, e.end_date, "active", *position(r))
        case ContractModified():
            return (e.contract_id, e.value.amount, e.end_date, None, *position(r))
        case ContractCompleted():
            return (e.contract_id, None, None, "completed", *position(r))
    return (e.contract_id, None, None, "terminated", *position(r))


_INVOICE = """
INSERT INTO spend_invoices AS v (invoice_id, received_on, src_tx, src_pos)
SELECT DISTINCT ON (id) id, day, tx, pos
FROM unnest($1::text[], $2::date[], $3::bigint[], $4::bigint[]) AS i(id, day, tx, pos)
ORDER BY id, tx DESC, pos DESC
ON CONFLICT (invoice_id) DO UPDATE SET received_on = EXCLUDED.received_on, src_tx = EXCLUDED.src_tx,
    src_pos = EXCLUDED.src_pos
WHERE (v.src_tx, v.src_pos) < (EXCLUDED.src_tx, EXCLUDED.src_pos)
"""


def _invoice(r: RecordedEvent) -> tuple[Any, ...]:
    e = fields(r)
    return (e.invoice_id, e.received_at.date(), *position(r))


HANDLERS: dict[type[Event], Bulk] = {
    VendorRegistered: Bulk((_VENDOR,), _vendor_row),
    VendorProfileUpdated: Bulk((_VENDOR_PROFILE,), _vendor_row),
    VendorApproved: _status("approved"),
    VendorRenewed: _status("approved"),
    VendorRejected: _status("rejected"),
    VendorRegistrationExpired: _status("expired"),
    **certification_handlers("spend_certifications"),
    **solicitation_handlers("spend_solicitations"),
    ContractOpened: Bulk((_CONTRACT,), _contract),
    ContractActivated: Bulk((_CONTRACT_CHANGE,), _contract_change),
    ContractModified: Bulk((_CONTRACT_CHANGE,), _contract_change),
    ContractCompleted: Bulk((_CONTRACT_CHANGE,), _contract_change),
    ContractTerminated: Bulk((_CONTRACT_CHANGE,), _contract_change),
    InvoiceSubmitted: Bulk((_INVOICE,), _invoice),
    InvoiceResubmitted: Bulk((_INVOICE,), _invoice),
}
