"""The public vendor directory: by name, commodity code, verified certification, location
and status, alphabetical with keyset pages.

A certification counts when it is verified, not rejected and valid on the request date
(inside its effective and expiry dates and not recorded as expired).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import msgspec

from infra.db import Connection
from kernel.commodities import digits
from kernel.errors import field_error
from kernel.programs import check_program
from projections import cursor
from projections.sql import Params

STATUSES = ("approved", "expired", "submitted", "draft", "rejected")
#: what the public and vendors may list; staff roles see every status
PUBLIC_STATUSES = ("approved", "expired")

_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class VendorSearch:
    q: str | None = None
    commodity: tuple[str, ...] = ()
    program: tuple[str, ...] = ()
    state: str | None = None
    city: str | None = None
    zip: str | None = None
    status: tuple[str, ...] = ()
    limit: int = 20
    cursor: str | None = None
    #: staff see every status and the exclusion flag; the public and vendors do not
    staff: bool = False
    today: date = field(default_factory=lambda: date(1970, 1, 1))

    def fingerprint(self) -> str:
        return cursor.fingerprint(self.q, self.commodity, self.program, self.state, self.city,
                                  self.zip, self.status, self.staff)


class CertificationOut(msgspec.Struct, frozen=True):
    program: str
    valid_until: date


class VendorHit(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    id: str
    legal_name: str
    dba: str
    city: str
    state: str
    zip: str
    commodity_codes: list[str]
    status: str
    certifications: list[CertificationOut]
    #: staff only: the vendor matched the exclusion list
    excluded: bool | None = None


class VendorResults(msgspec.Struct, frozen=True, kw_only=True):
    items: list[VendorHit]
    next_cursor: str | None


def _allowed_statuses(search: VendorSearch) -> tuple[str, ...]:
    allowed = STATUSES if search.staff else PUBLIC_STATUSES
    for status in search.status:
        if status not in STATUSES:
            raise field_error("status", f"unknown status {status!r}; one of {', '.join(STATUSES)}")
        if status not in allowed:
            raise field_error("status", f"the directory lists {', '.join(allowed)} vendors")
    return search.status or allowed


def name_query(text: str) -> str | None:
    """Each word of ``text`` as a prefix: "acm pav" finds "Acme Paving"."""
    words = _WORD.findall(text.lower())
    return " & ".join(f"{w}:*" for w in words) or None


def _valid_cert(today: str) -> str:
    return (f"c.verified_at IS NOT NULL AND NOT c.rejected AND c.effective_date <= {today}"
            f" AND c.expiry_date >= {today} AND (c.ended_on IS NULL OR c.ended_on > {today})"
            f" AND c.verified_at::date <= {today}")


def _status_sql(now: str) -> str:
    return (f"CASE WHEN v.status = 'approved' AND v.expires_at IS NOT NULL AND v.expires_at <= {now}"
            " THEN 'expired' ELSE v.status END")


async def search_vendors(conn: Connection, search: VendorSearch, now: datetime) -> VendorResults:
    statuses = _allowed_statuses(search)
    for program in search.program:
        check_program(program, "program")
    for code in search.commodity:
        if not digits(code):
            raise field_error("commodity", "a commodity code or prefix, e.g. 4321 or 913")
    p = Params()
    today = p(search.today, "date")
    status = _status_sql(p(now, "timestamptz"))
    conditions = [f"{status} = ANY({p(list(statuses), 'text[]')})"]
    if not search.staff:
        conditions.append("NOT v.excluded")
    if search.q:
        words = name_query(search.q)
        if words is None:
            raise field_error("q", "needs at least one letter or digit")
        conditions.append(f"v.name_document @@ to_tsquery('simple', {p(words)})")
    if search.commodity:
        conditions.append(f"v.commodity_prefixes && {p([digits(c) for c in search.commodity], 'text[]')}")
    for program in search.program:
        conditions.append(f"EXISTS (SELECT 1 FROM search_vendor_certifications c WHERE c.vendor_id = v.vendor_id"
                          f" AND c.program = {p(program)} AND {_valid_cert(today)})")
    if search.state:
        conditions.append(f"upper(v.state) = {p(search.state.upper())}")
    if search.city:
        conditions.append(f"lower(v.city) = {p(search.city.lower())}")
    if search.zip:
        conditions.append(f"v.zip LIKE {p(digits(search.zip) + '%')}")
    if search.cursor:
        key = cursor.decode(search.cursor, search.fingerprint())
        if len(key) != 2 or not all(isinstance(k, str) for k in key):
            raise field_error("cursor", "not a cursor returned by this search")
        conditions.append(f"(lower(v.legal_name), v.vendor_id) > ({p(key[0])}, {p(key[1])})")
    sql = f"""
    SELECT v.vendor_id, v.legal_name, v.dba, v.city, v.state, v.zip, v.commodity_codes,
           {status} AS status, v.excluded, lower(v.legal_name) AS sort_name,
           coalesce((SELECT array_agg(c.program || '|' || c.expiry_date::text ORDER BY c.program)
                     FROM search_vendor_certifications c
                     WHERE c.vendor_id = v.vendor_id AND {_valid_cert(today)}), '{{}}') AS certs
    FROM search_vendors v WHERE {' AND '.join(conditions)}
    ORDER BY lower(v.legal_name), v.vendor_id LIMIT {p(search.limit + 1, 'int')}
    """
    rows = await conn.fetch(sql, *p.values)
    more = len(rows) > search.limit
    rows = rows[: search.limit]
    items = [
        VendorHit(
            id=row["vendor_id"], legal_name=row["legal_name"], dba=row["dba"], city=row["city"],
            state=row["state"], zip=row["zip"], commodity_codes=list(row["commodity_codes"]),
            status=row["status"],
            certifications=[CertificationOut(program, date.fromisoformat(until))
                            for program, until in (c.split("|") for c in row["certs"])],
            excluded=row["excluded"] if search.staff else None,
        )
        for row in rows
    ]
    next_cursor = None
    if more:
        next_cursor = cursor.encode(search.fingerprint(), [rows[-1]["sort_name"], rows[-1]["vendor_id"]])
    return VendorResults(items=items, next_cursor=next_cursor)
