"""What other contexts may know of vendors: standing for their decisions (bids, awards,
reports), and which vendor a vendor-role caller acts for.

Read from the standing model, which is applied in the transaction of every vendor event
(``readmodel.py``, an inline projection): a vendor approved a moment ago is seen approved
by the next command.

Exclusions are matched when asked, at the time asked: an entry recorded after a vendor
registered, or one that starts or ends later, changes the answer without any new vendor
event. Nothing here exposes a tax id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime

import msgspec
from asyncpg import Pool

from infra.db import Connection, Queryable
from kernel.context import Actor
from kernel.errors import Forbidden, field_error
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


__all__ = [
    "CertificationStanding", "ExclusionMatch", "ExclusionRow", "VendorStanding", "list_exclusions",
    "matching_exclusions", "vendor_standing", "vendors_of_user",
]


# -- who a vendor-role caller acts for --------------------------------------------------
# A token may carry a ``vendor`` claim, and a user may belong to vendors (owner or invited
# colleague). Handlers resolve the vendor relevant to the resource (the bidders of a
# solicitation, the vendor of a contract) and hand the decider an ``Actor`` whose
# ``vendor`` is that one; deciders stay pure.


async def vendors_of(conn: Connection, actor: Actor) -> set[str]:
    """Every vendor the caller acts for (empty unless the role is vendor)."""
    if actor.role != "vendor":
        return set()
    found = set(await vendors_of_user(conn, actor.sub))
    if actor.vendor:
        found.add(actor.vendor)
    return found


async def acting_for(conn: Connection, actor: Actor, candidates: Iterable[str]) -> Actor:
    """The caller as a user of the vendor among ``candidates`` they belong to (the first by
    id if several); unchanged when they belong to none or are not a vendor."""
    if actor.role != "vendor":
        return actor
    matching = sorted(await vendors_of(conn, actor) & set(candidates))
    return replace(actor, vendor=matching[0]) if matching else actor


async def acting_vendor(pool: Pool, actor: Actor, requested: str | None) -> str:
    """The vendor the caller acts for: the one named, or the only one the user belongs to."""
    async with pool.acquire() as conn:
        mine = await vendors_of_user(conn, actor.sub)
    if requested is not None:
        if requested not in mine:
            raise Forbidden(f"you do not act for vendor {requested}", code="not_vendor_user")
        return requested
    if not mine:
        raise Forbidden("your account belongs to no registered vendor", code="no_vendor")
    if len(mine) > 1:
        raise field_error("vendor_id", f"you act for several vendors ({', '.join(mine)}); name one")
    return mine[0]


async def is_vendor_user(pool: Pool, actor: Actor, vendor_id: str) -> bool:
    if actor.role != "vendor":
        return False
    async with pool.acquire() as conn:
        return vendor_id in await vendors_of_user(conn, actor.sub)
