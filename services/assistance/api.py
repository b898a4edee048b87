"""HTTP for the assistance layer: suggestions with their reasons, and the decisions on them."""

from __future__ import annotations

from typing import Annotated

import msgspec
from asyncpg import Pool
from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from infra.clock import Clock
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.common import IdempotencyKey, scoped_command_id
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import Forbidden, NotFound
from kernel.programs import check_program
from services.assistance import ranking, scoring
from services.assistance.assistant import Assistant
from services.assistance.commands import DismissOpportunity, InviteVendors, ReviewSimilarPurchases
from services.assistance.deciders.feedback import FEEDBACK
from services.assistance.deciders.outreach import OUTREACH
from services.assistance.deciders.suggestions import SUGGESTIONS
from services.assistance.readmodel import assistance_record
from services.assistance.schemas import (
    AssistanceRecord,
    DuplicatePurchase,
    InvitationsIn,
    InvitationsOut,
    NotRelevantIn,
    NotRelevantOut,
    ReviewIn,
    ReviewOut,
    SimilarPurchasesOut,
    Suggestions,
)
from services.solicitations.facts import duplicate_purchases, solicitation_owner
from services.vendors.facts import vendor_standing

Limit = Annotated[int, Parameter(ge=1, le=100, description="how many suggestions (1-100)")]
PathId = Annotated[str, Parameter(min_length=1, max_length=100)]


def provide_assistant(state: State) -> Assistant:
    if "assistant" not in state:
        state["assistant"] = Assistant()
    return state["assistant"]


async def _vendor_user(pool: Pool, clock: Clock, actor: Actor, vendor_id: str) -> None:
    """Only the vendor's own users (and admins) see or answer its suggestions."""
    await clock.refresh()
    async with pool.acquire() as conn:
        standing = await vendor_standing(conn, vendor_id, clock.now())
    if standing is None:
        raise NotFound(f"vendor {vendor_id} not found")
    if actor.role != "admin" and actor.sub not in standing.users:
        raise Forbidden("you do not act for this vendor", code="not_vendor_user")


async def _buyer_agency(executor: Executor, actor: Actor, solicitation_id: str) -> str:
    """The solicitation's agency; buyers reach only their own agency's solicitations."""
    owner = await solicitation_owner(executor, solicitation_id)
    if owner is None:
        raise NotFound(f"solicitation {solicitation_id} not found")
    if actor.role in ("buyer", "evaluator") and actor.agency != owner.agency_id:
        raise Forbidden("this solicitation belongs to another agency", code="other_agency")
    return owner.agency_id


async def _invitable(pool: Pool, clock: Clock, vendor_ids: list[str]) -> frozenset[str]:
    """Approved vendors not excluded today, as the vendors context says now."""
    now = clock.now()
    found = set()
    async with pool.acquire() as conn:
        for vendor_id in dict.fromkeys(vendor_ids):
            standing = await vendor_standing(conn, vendor_id, now)
            if standing is not None and standing.status == "approved" and not standing.excluded:
                found.add(vendor_id)
    return frozenset(found)


class OpportunitiesController(Controller):
    path = "/vendors/{vendor_id:str}/opportunities"
    tags = ["assistance"]
    dependencies = {"assistant": Provide(provide_assistant, sync_to_thread=False)}

    @get(guards=[requires("vendor", "admin")], summary="Open solicitations ranked for a vendor",
         description="Each suggestion carries its reasons (commodity codes, text similarity, shared "
         "words, past work, location, set-aside eligibility, past performance) as named parts "
         "whose points sum to the score. The list is recorded; dismissed solicitations are left out.",
         responses=error_responses(401, 403, 404, 409, 422))
    async def opportunities(self, executor: Executor, pool: Pool, clock: Clock, assistant: Assistant, actor: Actor, vendor_id: PathId,
                            limit: Limit = 20) -> Suggestions:
        await _vendor_user(pool, clock, actor, vendor_id)
        await clock.refresh()
        async with pool.acquire() as conn:
            ranked = await ranking.opportunities(conn, assistant.indexes, vendor_id, clock.now(), limit=limit)
        return await assistant.record(executor, actor, ranked, list_kind="opportunities",
                                      subject_id=vendor_id, agency_id=None, model=scoring.SEMANTIC)

    @post("/{solicitation_id:str}/not-relevant", guards=[requires("vendor")], status_code=201,
          summary="Say an opportunity is not relevant",
          description="Recorded on the vendor's record; later lists leave the solicitation out.",
          responses=error_responses(401, 403, 404, 409, 422))
    async def not_relevant(self, executor: Executor, pool: Pool, clock: Clock, assistant: Assistant, actor: Actor, vendor_id: PathId,
                           solicitation_id: PathId, data: NotRelevantIn,
                           idempotency_key: IdempotencyKey = None) -> NotRelevantOut:
        await _vendor_user(pool, clock, actor, vendor_id)
        if await solicitation_owner(executor, solicitation_id) is None:
            raise NotFound(f"solicitation {solicitation_id} not found")
        outcome = await executor.execute(
            FEEDBACK, vendor_id, DismissOpportunity(vendor_id=vendor_id, solicitation_id=solicitation_id,
                                                    suggestion_id=data.suggestion_id, reason=data.reason),
            actor, command_id=scoped_command_id(idempotency_key, actor.sub, "assistance.not_relevant"))
        return NotRelevantOut(vendor_id=vendor_id, solicitation_id=solicitation_id,
                              recorded=bool(outcome.events) or outcome.duplicate
                              or solicitation_id in outcome.state.dismissed)


class SolicitationAssistanceController(Controller):
    path = "/solicitations/{solicitation_id:str}"
    tags = ["assistance"]
    dependencies = {"assistant": Provide(provide_assistant, sync_to_thread=False)}

    @get("/suggested-vendors", guards=[requires("buyer", "admin")],
         summary="Vendors who could bid on a solicitation",
         description="Registered, approved, non-excluded vendors ranked with their reasons. Filter by "
         "certification program or to local vendors to reach diverse and local suppliers on purpose. "
         "The list is recorded.", responses=error_responses(401, 403, 404, 422))
    async def suggested_vendors(
        self, executor: Executor, pool: Pool, clock: Clock, assistant: Assistant, actor: Actor, solicitation_id: PathId,
        program: Annotated[str | None, Parameter(required=False, max_length=20,
                                                 description="verified certification program")] = None,
        local: Annotated[bool, Parameter(description="only vendors local to the agency")] = False,
        limit: Limit = 20,
    ) -> Suggestions:
        agency = await _buyer_agency(executor, actor, solicitation_id)
        if program is not None:
            check_program(program, "program")
        await clock.refresh()
        filters = ranking.VendorFilters(program=program, local_only=local)
        async with pool.acquire() as conn:
            ranked = await ranking.suggested_vendors(conn, assistant.indexes, solicitation_id, clock.now(),
                                                     filters=filters, limit=limit)
        # The matching model may lag the vendors' own record (a registration that lapsed, an
        # exclusion): suggest only whom the vendors context says may be invited now, so
        # that inviting a suggested vendor never fails.
        ranked = ranking.keeping(ranked, await _invitable(pool, clock, [i.item_id for i in ranked.items]))
        shown = {"program": program} if program else {}
        if local:
            shown["local"] = "true"
        return await assistant.record(executor, actor, ranked, list_kind="vendors",
                                      subject_id=solicitation_id, agency_id=agency, model=scoring.SEMANTIC,
                                      filters=shown)

    @post("/invitations", guards=[requires("buyer")], status_code=201, summary="Invite vendors to bid",
          description="Records the invitation (and the suggestion list it came from, if any).",
          responses=error_responses(401, 403, 404, 409, 422))
    async def invite(self, executor: Executor, pool: Pool, clock: Clock, assistant: Assistant, actor: Actor, solicitation_id: PathId,
                     data: InvitationsIn, idempotency_key: IdempotencyKey = None) -> InvitationsOut:
        agency = await _buyer_agency(executor, actor, solicitation_id)
        invitable = await _invitable(pool, clock, list(data.vendor_ids))
        before, _ = await executor.load(OUTREACH, solicitation_id)
        outcome = await executor.execute(
            OUTREACH, solicitation_id,
            InviteVendors(solicitation_id=solicitation_id, agency_id=agency, vendor_ids=list(data.vendor_ids),
                          invitable=invitable, suggestion_id=data.suggestion_id, message=data.message),
            actor, command_id=scoped_command_id(idempotency_key, actor.sub, "assistance.invite"))
        fresh = [v for v in data.vendor_ids if v not in before.invited]
        return InvitationsOut(solicitation_id=solicitation_id, invited=fresh if not outcome.duplicate else [],
                              already_invited=[v for v in data.vendor_ids if v in before.invited])

    @get("/similar", guards=[requires("buyer", "auditor", "admin")],
         summary="Similar purchases of other agencies",
         description="Other agencies' open or recent solicitations and active contracts for the same "
         "need, ranked by commodity codes and text, and the duplicate-purchase warnings raised when the "
         "solicitation was created and published (cooperative contracts the agency may use, other "
         "agencies' solicitations), as recorded. The agency's buyers, auditors and admins. "
         "The list is recorded; a buyer's decision on it refers to its suggestion_id.",
         responses=error_responses(401, 403, 404, 422))
    async def similar(self, executor: Executor, pool: Pool, clock: Clock, assistant: Assistant, actor: Actor, solicitation_id: PathId,
                      limit: Annotated[int, Parameter(ge=1, le=50)] = 10) -> SimilarPurchasesOut:
        agency = await _buyer_agency(executor, actor, solicitation_id)
        await clock.refresh()
        async with pool.acquire() as conn:
            ranked = await ranking.similar_purchases(conn, assistant.indexes, solicitation_id,
                                                     clock.now(), limit=limit)
        shown = await assistant.record(executor, actor, ranked, list_kind="similar",
                                       subject_id=solicitation_id, agency_id=agency, model=scoring.SIMILAR)
        warned = await duplicate_purchases(executor, solicitation_id)
        return SimilarPurchasesOut(**msgspec.structs.asdict(shown), duplicate_purchases=[DuplicatePurchase(
            step=w.step, kind=w.kind, id=w.match_id, title=w.match_title, agency_id=w.match_agency_id,
            shared_commodity_codes=list(w.shared_commodity_codes), text_similarity=w.text_similarity,
            end_date=w.end_date) for w in warned])

    @post("/similar/review", guards=[requires("buyer")], status_code=201,
          summary="Decide on the similar purchases shown",
          description="proceed (with a justification), use_existing_contract, or withdraw; on the record.",
          responses=error_responses(401, 403, 404, 409, 422))
    async def review(self, executor: Executor, pool: Pool, clock: Clock, assistant: Assistant, actor: Actor, solicitation_id: PathId,
                     data: ReviewIn, idempotency_key: IdempotencyKey = None) -> ReviewOut:
        agency = await _buyer_agency(executor, actor, solicitation_id)
        shown, version = await executor.load(SUGGESTIONS, data.suggestion_id)
        if version == 0:
            raise NotFound(f"suggestions {data.suggestion_id} not found")
        await executor.execute(
            OUTREACH, solicitation_id,
            ReviewSimilarPurchases(solicitation_id=solicitation_id, agency_id=agency,
                                   suggestion_id=data.suggestion_id, shown_kind=shown.list_kind,
                                   shown_subject=shown.subject_id, decision=data.decision,
                                   justification=data.justification),
            actor, command_id=scoped_command_id(idempotency_key, actor.sub, "assistance.review"))
        return ReviewOut(solicitation_id=solicitation_id, suggestion_id=data.suggestion_id, decision=data.decision)

    @get("/assistance-record", guards=[requires("buyer", "auditor", "admin")],
         summary="What the assistant suggested and what people decided",
         responses=error_responses(401, 403, 404, 422))
    async def record(self, executor: Executor, pool: Pool, clock: Clock, assistant: Assistant, actor: Actor,
                     solicitation_id: PathId) -> AssistanceRecord:
        await _buyer_agency(executor, actor, solicitation_id)
        async with pool.acquire() as conn:
            return await assistance_record(conn, solicitation_id)

