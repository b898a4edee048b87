"""Projects vendor events into the standing read model (tables of 0100_vendors_standing.sql).

An inline projection: applied in the transaction that appends the vendor's events, so a
vendor approved a moment ago may bid on the next request (read through ``facts.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from events.vendors import (
    CertificationAdded,
    CertificationExpired,
    CertificationRejected,
    CertificationVerified,
    ExclusionRecorded,
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
from infra.db import Connection
from infra.eventstore import RecordedEvent
from projections.base import types_of
from services.vendors.matching import name_key, tax_key


def _status(vendor_id: str, status: str) -> tuple[str, tuple[object, ...]]:
    return "UPDATE vendor_standing SET status = $2 WHERE vendor_id = $1", (vendor_id, status)


def _cert_status(vendor_id: str, cert_id: str, status: str) -> tuple[str, tuple[object, ...]]:
    return (
        "UPDATE vendor_standing_certifications SET status = $3 WHERE vendor_id = $1 AND cert_id = $2",
        (vendor_id, cert_id, status),
    )


def _statement(recorded: RecordedEvent) -> list[tuple[str, tuple[object, ...]]]:
    """The SQL that applies one event (idempotent under replay of the same event)."""
    match recorded.event:
        case VendorRegistered() as e:
            return [
                (
                    "INSERT INTO vendor_standing (vendor_id, owner, legal_name, name_key, tax_key,"
                    " status, local_agencies, commodity_codes) VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7)"
                    " ON CONFLICT (vendor_id) DO NOTHING",
                    (e.vendor_id, e.owner, e.legal_name, name_key(e.legal_name), tax_key(e.tax_id),
                     e.local_agencies, e.commodity_codes),
                ),
                (
                    "INSERT INTO vendor_standing_users (vendor_id, sub) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    (e.vendor_id, e.owner),
                ),
            ]
        case VendorProfileUpdated() as e:
            return [(
                "UPDATE vendor_standing SET"
                " legal_name = coalesce($2, legal_name), name_key = coalesce($3, name_key),"
                " commodity_codes = coalesce($4, commodity_codes), local_agencies = coalesce($5, local_agencies)"
                " WHERE vendor_id = $1",
                (e.vendor_id, e.legal_name, name_key(e.legal_name) if e.legal_name is not None else None,
                 e.commodity_codes, e.local_agencies),
            )]
        case VendorFlaggedExcluded() as e:
            return [("UPDATE vendor_standing SET flagged_excluded = true WHERE vendor_id = $1", (e.vendor_id,))]
        case VendorSubmitted() as e:
            return [_status(e.vendor_id, "submitted")]
        case VendorApproved() as e:
            return [(
                "UPDATE vendor_standing SET status = 'approved', approved_at = $2, expires_at = $3"
                " WHERE vendor_id = $1",
                (e.vendor_id, e.approved_at, e.expires_at),
            )]
        case VendorRejected() as e:
            return [_status(e.vendor_id, "rejected")]
        case VendorRenewed() as e:
            return [(
                "UPDATE vendor_standing SET status = 'approved', expires_at = $2 WHERE vendor_id = $1",
                (e.vendor_id, e.expires_at),
            )]
        case VendorRegistrationExpired() as e:
            return [_status(e.vendor_id, "expired")]
        case UserInvited() as e:
            return [(
                "INSERT INTO vendor_standing_users (vendor_id, sub) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                (e.vendor_id, e.user),
            )]
        case CertificationAdded() as e:
            return [(
                "INSERT INTO vendor_standing_certifications (vendor_id, cert_id, program, status,"
                " effective_date, expiry_date) VALUES ($1, $2, $3, 'pending', $4, $5)"
                " ON CONFLICT (vendor_id, cert_id) DO NOTHING",
                (e.vendor_id, e.cert_id, e.program, e.effective_date, e.expiry_date),
            )]
        case CertificationVerified() as e:
            return [(
                "UPDATE vendor_standing_certifications SET status = 'verified', verified_at = $3"
                " WHERE vendor_id = $1 AND cert_id = $2",
                (e.vendor_id, e.cert_id, e.verified_at),
            )]
        case CertificationRejected() as e:
            return [_cert_status(e.vendor_id, e.cert_id, "rejected")]
        case CertificationExpired() as e:
            return [_cert_status(e.vendor_id, e.cert_id, "expired")]
        case ExclusionRecorded() as e:
            return [(
                "INSERT INTO vendor_exclusions (exclusion_id, name, name_key, tax_id, tax_key, reason,"
                " from_date, to_date, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                " ON CONFLICT (exclusion_id) DO NOTHING",
                (e.exclusion_id, e.name, name_key(e.name), e.tax_id, tax_key(e.tax_id), e.reason,
                 e.from_date, e.to_date, recorded.metadata.occurred_at),
            )]
    return []


class VendorStandingProjection:
    name = "vendor_standing"
    inline = True
    tables: Sequence[str] = ("vendor_standing", "vendor_standing_users", "vendor_standing_certifications", "vendor_exclusions")
    types: frozenset[str] | None = types_of(
        VendorRegistered, VendorProfileUpdated, VendorFlaggedExcluded, VendorSubmitted, VendorApproved,
        VendorRejected, VendorRenewed, VendorRegistrationExpired, UserInvited, CertificationAdded,
        CertificationVerified, CertificationRejected, CertificationExpired, ExclusionRecorded,
    )

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:
            for sql, args in _statement(recorded):
                await conn.execute(sql, *args)
