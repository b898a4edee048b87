"""HTTP for vendor scorecards."""

from __future__ import annotations

from asyncpg import Pool
from litestar import Controller, get

from infra.clock import Clock
from infra.http.auth import requires
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import NotFound
from projections.scorecard.scorecard import Scorecard, build_scorecard
from services.vendors.facts import vendor_standing, vendors_of

#: agency staff read every vendor's scorecard (past performance for buying and evaluating);
#: a vendor's users read their own; the public none
STAFF = ("buyer", "evaluator", "finance", "auditor", "admin")


class ScorecardController(Controller):
    tags = ["vendors"]

    @get("/vendors/{vendor_id:str}/scorecard", guards=[requires(*STAFF, "vendor")],
         summary="A vendor's scorecard across every agency and contract",
         description="Performance ratings over time, disputed invoices, protests filed and upheld, and "
         "amendments and their size, and accepted, rejected and overdue deliverables. Agency staff see any vendor's; a vendor's users see their own "
         "(another vendor's is 404).",
         responses=error_responses(401, 403, 404))
    async def scorecard(self, pool: Pool, clock: Clock, actor: Actor, vendor_id: str) -> Scorecard:
        async with pool.acquire() as conn:
            if actor.role == "vendor" and vendor_id not in await vendors_of(conn, actor):
                raise NotFound(f"vendor {vendor_id} not found")
            if actor.role != "vendor" and await vendor_standing(conn, vendor_id, clock.now()) is None:
                raise NotFound(f"vendor {vendor_id} not found")
            return await build_scorecard(conn, vendor_id)
