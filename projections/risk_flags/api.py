"""HTTP for red flags: auditors and admins see every agency's, buyers their own agency's."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from asyncpg import Pool
from litestar import Controller, get
from litestar.params import Parameter

from infra.db import Connection
from infra.http.auth import requires
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import Forbidden, field_error
from projections import cursor
from projections.risk_flags.definitions import DEFINITIONS, NOTE, Definition


class FlagOut(msgspec.Struct, frozen=True, kw_only=True):
    process_id: str
    title: str
    agency_id: str
    code: str
    scope: str
    as_of: date
    detail: str
    source: str
    source_url: str


class FlagsPage(msgspec.Struct, frozen=True, kw_only=True):
    note: str
    counts: dict[str, int]
    items: list[FlagOut]
    next_cursor: str | None
    definitions: list[Definition]


def flag_agency(actor: Actor, requested: str | None) -> str | None:
    """The agency whose flags the caller reads (``None``: all)."""
    if actor.role in ("auditor", "admin"):
        return requested
    if not actor.agency:
        raise Forbidden("the token names no agency")
    if requested is not None and requested != actor.agency:
        raise Forbidden("only your own agency's flags", code="other_agency")
    return actor.agency


_PAGE = """
SELECT f.solicitation_id, f.code, f.scope, f.agency_id, f.as_of, f.detail,
       coalesce(p.state->>'title', '') AS title
FROM rf_flags f LEFT JOIN rf_processes p USING (solicitation_id)
WHERE {where}
ORDER BY f.as_of DESC, f.solicitation_id, f.code, f.scope
LIMIT $1
"""


class _Where:
    """Conditions with their positional parameters, numbered from ``$first``."""

    def __init__(self, first: int = 1) -> None:
        self.parts: list[str] = ["true"]
        self.args: list[object] = []
        self.first = first

    def add(self, template: str, *values: object) -> None:
        names = []
        for value in values:
            self.args.append(value)
            names.append(f"${self.first + len(self.args) - 1}")
        self.parts.append(template.format(*names))

    @property
    def sql(self) -> str:
        return " AND ".join(self.parts)


def _filters(where: _Where, agency: str | None, since: date | None, until: date | None) -> _Where:
    if agency is not None:
        where.add("f.agency_id = {}", agency)
    if since is not None:
        where.add("f.as_of >= {}", since)
    if until is not None:
        where.add("f.as_of <= {}", until)
    return where


async def flags_page(conn: Connection, *, agency: str | None, codes: tuple[str, ...],
                     since: date | None, until: date | None, limit: int, after: str | None) -> FlagsPage:
    """One page of flags, newest first, with counts per flag over the same filters."""
    counted = _filters(_Where(), agency, since, until)
    counts = {r["code"]: r["n"] for r in await conn.fetch(
        f"SELECT f.code, count(*) AS n FROM rf_flags f WHERE {counted.sql} GROUP BY f.code ORDER BY f.code",
        *counted.args)}
    where = _filters(_Where(first=2), agency, since, until)
    if codes:
        where.add("f.code = ANY({})", list(codes))
    query_id = cursor.fingerprint(agency, codes, since, until)
    if after is not None:
        key = cursor.decode(after, query_id)
        try:
            as_of = date.fromisoformat(key[0])
        except (TypeError, ValueError, IndexError) as exc:
            raise field_error("cursor", "not a cursor returned by this list") from exc
        where.add("(f.as_of, f.solicitation_id, f.code, f.scope) < ({}, {}, {}, {})", as_of, *key[1:4])
    rows = await conn.fetch(_PAGE.format(where=where.sql), limit + 1, *where.args)
    more = len(rows) > limit
    rows = rows[:limit]
    items = [FlagOut(process_id=r["solicitation_id"], title=r["title"], agency_id=r["agency_id"], code=r["code"],
                     scope=r["scope"], as_of=r["as_of"], detail=r["detail"], source=DEFINITIONS[r["code"]].source,
                     source_url=DEFINITIONS[r["code"]].source_url) for r in rows]
    last = rows[-1] if rows and more else None
    next_cursor = cursor.encode(query_id, [last["as_of"].isoformat(), last["solicitation_id"], last["code"],
                                           last["scope"]]) if last else None
    return FlagsPage(note=NOTE, counts=counts, items=items, next_cursor=next_cursor,
                     definitions=list(DEFINITIONS.values()))


class RiskFlagController(Controller):
    path = "/risk-flags"
    tags = ["oversight"]

    @get(guards=[requires("auditor", "admin", "buyer")], summary="Red flags per contracting process",
         description=f"{NOTE} Auditors and admins see every agency's flags; buyers their own agency's. "
         "Each flag names its definition and source. Flags are not published in the OCDS feed: "
         "OCDS 1.1.5 has no field for them.",
         responses=error_responses(401, 403, 422))
    async def list_flags(
        self, pool: Pool, actor: Actor,
        agency: Annotated[str | None, Parameter(required=False, max_length=100)] = None,
        flag: Annotated[list[str] | None, Parameter(required=False, description="flag codes")] = None,
        since: Annotated[date | None, Parameter(query="from", required=False)] = None,
        until: Annotated[date | None, Parameter(query="to", required=False)] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor_: Annotated[str | None, Parameter(query="cursor", required=False, max_length=500)] = None,
    ) -> FlagsPage:
        codes = tuple(c.strip() for value in flag or () for c in value.split(",") if c.strip())
        for i, code in enumerate(codes):
            if code not in DEFINITIONS:
                raise field_error(f"flag[{i}]", f"unknown flag; one of {', '.join(DEFINITIONS)}")
        if since is not None and until is not None and since > until:
            raise field_error("from", "must not be after to")
        async with pool.acquire() as conn:
            return await flags_page(conn, agency=flag_agency(actor, agency), codes=codes, since=since,
                                    until=until, limit=limit, after=cursor_)
