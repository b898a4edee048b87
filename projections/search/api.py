"""HTTP for search: parse the query string, ask the read model, return a page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from asyncpg import Pool
from litestar import Controller, get
from litestar.params import Parameter

from infra.clock import Clock
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.limits import MAX_AMOUNT, NONNEGATIVE_GT
from projections.search.solicitation_query import (
    SolicitationResults,
    SolicitationSearch,
    search_solicitations,
)
from projections.search.vendor_query import VendorResults, VendorSearch, search_vendors

STAFF = ("buyer", "evaluator", "finance", "auditor", "admin")

Many = Annotated[list[str] | None, Parameter(required=False)]
Limit = Annotated[int, Parameter(ge=1, le=100, description="results per page (1-100)")]
Cursor = Annotated[str | None, Parameter(required=False, max_length=500,
                                         description="next_cursor of the previous page")]
Text = Annotated[str | None, Parameter(required=False, max_length=200)]


def _many(values: list[str] | None) -> tuple[str, ...]:
    """Repeated parameters or comma-separated values, blanks dropped."""
    return tuple(v.strip() for value in values or () for v in value.split(",") if v.strip())


class SearchController(Controller):
    path = "/search"
    tags = ["search"]

    @get("/solicitations", summary="Search solicitations",
         description="Full-text search (title, description, commodity descriptions, addenda) with "
         "filters, relevance, deadline or publish-date order, keyset pages and facet counts. "
         "Anyone sees published solicitations; a buyer also sees the own agency's drafts.",
         responses=error_responses(401, 422))
    async def solicitations(
        self, pool: Pool, clock: Clock, maybe_actor: Actor | None,
        q: Text = None,
        status: Annotated[list[str] | None, Parameter(
            required=False, description="open, closing, closed, awarded, unsuccessful, cancelled, draft")] = None,
        closing_within_days: Annotated[int, Parameter(ge=1, le=365)] = 7,
        agency: Many = None,
        commodity: Annotated[list[str] | None, Parameter(
            required=False, description="commodity code prefixes (NIGP or UNSPSC)")] = None,
        kind: Annotated[list[str] | None, Parameter(query="type", required=False,
                                                    description="RFI, RFQ, RFP, ITB")] = None,
        set_aside: Many = None,
        value_min: Annotated[int | None, Parameter(required=False, gt=NONNEGATIVE_GT, le=MAX_AMOUNT, description="minor units")] = None,
        value_max: Annotated[int | None, Parameter(required=False, gt=NONNEGATIVE_GT, le=MAX_AMOUNT, description="minor units")] = None,
        currency: Annotated[str | None, Parameter(required=False, pattern=r"^[A-Za-z]{3}$")] = None,
        deadline_from: datetime | None = None,
        deadline_to: datetime | None = None,
        sort: Annotated[str | None, Parameter(required=False, description="relevance (needs q), deadline, published",
                                              schema_extra={"enum": ["relevance", "deadline", "published"]})] = None,
        limit: Limit = 20,
        cursor: Cursor = None,
        facets: bool = True,
    ) -> SolicitationResults:
        await clock.refresh()
        drafts_of = None
        if maybe_actor is not None and maybe_actor.role == "buyer" and maybe_actor.agency:
            drafts_of = maybe_actor.agency
        search = SolicitationSearch(
            q=(q or "").strip() or None, status=_many(status), closing_within_days=closing_within_days,
            agency=_many(agency), commodity=_many(commodity), type=tuple(k.upper() for k in _many(kind)),
            set_aside=_many(set_aside), value_min=value_min, value_max=value_max, currency=currency,
            deadline_from=deadline_from, deadline_to=deadline_to, sort=sort, limit=limit,
            cursor=cursor, facets=facets, drafts_of=drafts_of, now=clock.now(),
        )
        async with pool.acquire() as conn:
            return await search_solicitations(conn, search)

    @get("/vendors", summary="Search the vendor directory",
         description="Vendors by name, commodity code, verified certification program, location and "
         "status; public fields only. The public and vendors list approved and expired vendors; "
         "agency staff may list every status.",
         responses=error_responses(401, 422))
    async def vendors(
        self, pool: Pool, clock: Clock, maybe_actor: Actor | None,
        q: Text = None,
        commodity: Many = None,
        program: Annotated[list[str] | None, Parameter(
            required=False, description="verified certification program (MBE, WBE, ...)")] = None,
        region: Annotated[str | None, Parameter(query="state", required=False, max_length=50,
                                                description="state or province")] = None,
        city: Annotated[str | None, Parameter(required=False, max_length=100)] = None,
        zip_code: Annotated[str | None, Parameter(query="zip", required=False, max_length=10)] = None,
        status: Many = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> VendorResults:
        await clock.refresh()
        now = clock.now()
        search = VendorSearch(
            q=(q or "").strip() or None, commodity=_many(commodity), program=_many(program),
            state=(region or "").strip() or None, city=(city or "").strip() or None,
            zip=(zip_code or "").strip() or None, status=_many(status), limit=limit, cursor=cursor,
            staff=maybe_actor is not None and maybe_actor.role in STAFF, today=now.date(),
        )
        async with pool.acquire() as conn:
            return await search_vendors(conn, search, now)
