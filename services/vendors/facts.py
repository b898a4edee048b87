"""Vendor standing for other services' decisions (bids, awards, reports).

Exclusions are matched when asked, at the time asked: an entry recorded after a vendor
registered, or one that starts or ends later, changes the answer without any new vendor
event. Nothing here exposes a tax id.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import msgspec

from infra.db import Connection, Queryable
from kernel.context import Actor
from services.vendors.matching import name_key, tax_key


class CertificationStanding(msgspec.Struct, frozen=True, kw_only=True):
    cert_id: str
    program: str
    status: str  # "pending" | "verified" | "rejected" | "expired"
    effective_date: date
    expiry_date: date
    verified_at: datetime | None = None

    def valid_on(self, on: date) -> bool:
        """Verified, and ``on`` lies within its effective dates (also for past periods)."""
        return self.verified_at is not None and self.status != "rejected" and (
            self.effective_date <= on <= self.expiry_date)


class VendorStanding(msgspec.Struct, frozen=True, kw_only=True):
    vendor_id: str
    legal_name: str
    status: str  # "draft" | "submitted" | "approved" | "rejected" | "expired"
    approved_at: datetime | None
    expires_at: datetime | None
    users: list[str]
    excluded: bool
    exclusion_reasons: list[str]
    local_agencies: list[str]
    commodity_codes: list[str]
    certifications: list[CertificationStanding]
    flagged_excluded: bool = False

    def can_bid(self, at: datetime) -> bool:
        """Approved, registration not expired at ``at``, and not on the exclusion list."""
        return (
            self.status == "approved"
            and self.expires_at is not None
            and at < self.expires_at
            and not self.excluded
        )

    def certified(self, program: str, on: date) -> bool:
        """Holds a verified certification in ``program`` that was valid on ``on``."""
        return any(c.program == program and c.valid_on(on) for c in self.certifications)


class ExclusionMatch(msgspec.Struct, frozen=True, kw_only=True):
    exclusion_id: str
    reason: str


_ACTIVE = "e.from_date <= $3 AND (e.to_date IS NULL OR e.to_date >= $3)"


def _day(at: datetime) -> date:
    return at.astimezone(UTC).date()


async def matching_exclusions(
    conn: Queryable, tax_id: str | None, legal_name: str, on: date
) -> list[ExclusionMatch]:
    """Entries in force on ``on`` naming this tax id or this (normalised) legal name."""
    rows = await conn.fetch(
        "SELECT e.exclusion_id, e.reason FROM vendor_exclusions e"
        " WHERE ((e.tax_key IS NOT NULL AND e.tax_key = $1) OR e.name_key = $2) AND " + _ACTIVE
        + " ORDER BY e.from_date, e.exclusion_id",
        tax_key(tax_id), name_key(legal_name), on,
    )
    return [ExclusionMatch(exclusion_id=r["exclusion_id"], reason=r["reason"]) for r in rows]


async def vendor_standing(conn: Connection, vendor_id: str, at: datetime) -> VendorStanding | None:
    """The vendor's standing at ``at``, or ``None`` for an unknown vendor."""
    row = await conn.fetchrow("SELECT * FROM vendor_standing WHERE vendor_id = $1", vendor_id)
    if row is None:
        return None
    on = _day(at)
    reasons = await conn.fetch(
        "SELECT e.reason FROM vendor_exclusions e"
        " WHERE ((e.tax_key IS NOT NULL AND e.tax_key = $1) OR e.name_key = $2) AND " + _ACTIVE
        + " ORDER BY e.from_date, e.exclusion_id",
        row["tax_key"], row["name_key"], on,
    )
    users = await conn.fetch(
        "SELECT sub FROM vendor_standing_users WHERE vendor_id = $1 ORDER BY sub", vendor_id)
    certs = await conn.fetch(
        "SELECT cert_id, program, status, effective_date, expiry_date, verified_at"
        " FROM vendor_standing_certifications WHERE vendor_id = $1 ORDER BY effective_date, cert_id",
        vendor_id,
    )
    return VendorStanding(
        vendor_id=row["vendor_id"],
        legal_name=row["legal_name"],
        status=row["status"],
        approved_at=row["approved_at"],
        expires_at=row["expires_at"],
        users=[u["sub"] for u in users],
        excluded=bool(reasons),
        exclusion_reasons=[r["reason"] for r in reasons],
        local_agencies=list(row["local_agencies"]),
        commodity_codes=list(row["commodity_codes"]),
        certifications=[CertificationStanding(**dict(c)) for c in certs],
        flagged_excluded=row["flagged_excluded"],
    )


async def vendors_of_user(conn: Connection, sub: str) -> list[str]:
    """The vendors a token subject may act for (owner or invited colleague)."""
    rows = await conn.fetch(
        "SELECT vendor_id FROM vendor_standing_users WHERE sub = $1 ORDER BY vendor_id", sub)
    return [r["vendor_id"] for r in rows]


class ExclusionRow(msgspec.Struct, frozen=True, kw_only=True):
    exclusion_id: str
    name: str
    tax_id: str | None
    reason: str
    from_date: date
    to_date: date | None
    recorded_at: datetime


async def list_exclusions(
    conn: Queryable, *, name: str | None = None, tax_id: str | None = None, active_on: date | None = None,
    limit: int = 100, offset: int = 0,
) -> tuple[list[ExclusionRow], int]:
    """A page of the exclusion list and the total matching the filters."""
    where: list[str] = ["true"]
    args: list[object] = []
    if name:
        args.append(f"%{name_key(name)}%")
        where.append(f"name_key LIKE ${len(args)}")
    if tax_id:
        args.append(tax_key(tax_id))
        where.append(f"tax_key = ${len(args)}")
    if active_on:
        args.append(active_on)
        where.append(f"from_date <= ${len(args)} AND (to_date IS NULL OR to_date >= ${len(args)})")
    clause = " AND ".join(where)
    total = await conn.fetchval(f"SELECT count(*) FROM vendor_exclusions WHERE {clause}", *args)
    rows = await conn.fetch(
        f"SELECT exclusion_id, name, tax_id, reason, from_date, to_date, recorded_at FROM vendor_exclusions"
        f" WHERE {clause} ORDER BY recorded_at DESC, exclusion_id LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
        *args, limit, offset,
    )
    return [ExclusionRow(**dict(r)) for r in rows], total



class VendorFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A vendor's lifecycle and users, from its own stream (strongly consistent)."""

    vendor_id: str
    status: str
    users: tuple[str, ...]

    def acts_for(self, actor: Actor | None) -> bool:
        """Whether the caller acts for the vendor: one of its users (owner or colleague),
        or a token whose signed ``vendor`` claim names it."""
        return actor is not None and actor.role == "vendor" and (
            actor.sub in self.users or actor.vendor == self.vendor_id)


async def vendor_facts(executor: Any, vendor_id: str) -> VendorFacts | None:
    from services.vendors.deciders.vendor import VENDOR  # the decider loads no I/O library

    state, version = await executor.load(VENDOR, vendor_id)
    if version == 0 or not state.exists:
        return None
    return VendorFacts(vendor_id=state.vendor_id, status=state.status, users=tuple(state.users))


async def acts_for(executor: Any, actor: Actor | None, vendor_id: str | None) -> bool:
    """Whether the caller acts for ``vendor_id`` (False for no vendor or no caller)."""
    if actor is None or actor.role != "vendor" or not vendor_id:
        return False
    if actor.vendor == vendor_id:
        return True
    facts = await vendor_facts(executor, vendor_id)
    return facts is not None and facts.acts_for(actor)


__all__ = [
    "CertificationStanding", "ExclusionMatch", "ExclusionRow", "VendorStanding", "list_exclusions",
    "matching_exclusions", "vendor_standing", "vendors_of_user", "VendorFacts", "vendor_facts", "acts_for",
]
