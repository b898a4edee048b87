"""HTTP for solicitations: parse, build a command, hand it to the executor, show the
role-aware view."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

import msgspec
from asyncpg import Pool
from litestar import Controller, delete, get, patch, post
from litestar.params import Parameter

from events.base import Event
from events.solicitations import DuplicatePurchaseSuspected, SplittingSuspected, TabulationEntry
from infra.clock import Clock
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.common import AsOf, IdempotencyKey, as_of_instant, id_for_command, scoped_command_id
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import Forbidden, NotFound, field_error
from kernel.limits import MAX_OFFSET
from kernel.money import fmt
from services.agencies.facts import agency_facts
from services.awards.facts import award_rules_applied, evaluator_cleared
from services.bids.facts import bids_of_vendors, has_active_bids
from services.documents.facts import AttachedDocument, attached_to, of_part
from services.payments.facts import payment_records
from services.solicitations import rules
from services.solicitations.commands import (
    AnswerQuestion,
    AskQuestion,
    CancelSolicitation,
    CreateSolicitation,
    PublishAddendum,
    PublishSolicitation,
    SimilarPurchases,
    UpdateSolicitation,
)
from services.solicitations.criteria import LibraryCriterion, library
from services.solicitations.deciders.follow import FOLLOWS, Follow, Unfollow
from services.solicitations.deciders.solicitation import SOLICITATION, Solicitation
from services.solicitations.readmodel.facts import recent_publications, similar_purchases
from services.solicitations.readmodel.listing import ListFilters, list_solicitations
from services.solicitations.readmodel.notices import notices_of
from services.solicitations.schemas import (
    AddendumIn,
    AnswerIn,
    CancelIn,
    ComplianceOut,
    FollowIn,
    FollowsOut,
    MyBid,
    NoticeOut,
    QuestionIn,
    QuestionOut,
    SolicitationIn,
    SolicitationOut,
    SolicitationPage,
    SolicitationPatchIn,
    SolicitationStatus,
    SolicitationSummary,
    SolicitationType,
    compliance_view,
    is_agency_staff,
    is_oversight,
    may_see_draft,
    may_see_payment_record,
    patch_from,
    tabulation_for,
    terms_from,
    utc,
    view,
)
from services.vendors.facts import acting_vendor, vendors_of_user

_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


def _duplicate_warning(event: DuplicatePurchaseSuspected) -> str:
    why = (f"commodity code(s) {', '.join(event.shared_commodity_codes)}" if event.shared_commodity_codes
           else f"a similar title ({event.text_similarity:.0%} of its words)")
    if event.kind == "cooperative_contract":
        return (f"possible duplicate purchase: your agency may use cooperative contract {event.match_id} "
                f"\"{event.match_title}\" of agency {event.match_agency_id} (until {event.end_date}), for {why}")
    return (f"possible duplicate purchase: agency {event.match_agency_id} has solicitation {event.match_id} "
            f"\"{event.match_title}\" for {why}")


def _warnings(events: Sequence[Event], state: Solicitation, step: str) -> list[str]:
    """What the buyer is warned of in the answer; the duplicate purchases from the state, so
    a repeated request answers the warnings recorded the first time."""
    return ([_warning(e) for e in events if isinstance(e, SplittingSuspected)]
            + [_duplicate_warning(d) for d in state.duplicates if d.step == step])


def _warning(event: SplittingSuspected) -> str:
    return (f"possible contract splitting: with {len(event.related_solicitation_ids)} other solicitation(s) for "
            f"{event.commodity_code} in {event.window_days} days the total {fmt(event.combined_value)} exceeds "
            f"the {event.threshold.replace('_', ' ')} threshold of {fmt(event.threshold_value)}")


async def _load_visible(executor: Executor, solicitation_id: str,
                        actor: Actor | None, *, as_of: datetime | None = None) -> tuple[Solicitation, int]:
    state, version = await executor.load(SOLICITATION, solicitation_id, as_of=as_of)
    if not state.exists or (state.status == "draft" and not may_see_draft(actor, state)):
        raise NotFound(f"solicitation {solicitation_id} not found")
    return state, version


async def _bids_received(clock: Clock, pool: Pool, state: Solicitation,
                         actor: Actor | None) -> bool | None:
    """Agency staff and oversight learn whether bids exist, and only after the deadline."""
    if not (is_agency_staff(actor, state) or is_oversight(actor)) or state.status == "draft":
        return None
    if clock.now() < state.t.submission_deadline:
        return None
    async with pool.acquire() as conn:
        return await has_active_bids(conn, state.solicitation_id)


async def _my_bids(executor: Executor, pool: Pool, state: Solicitation,
                   actor: Actor | None) -> list[MyBid] | None:
    if actor is None or actor.role != "vendor":
        return None
    async with pool.acquire() as conn:
        vendor_ids = await vendors_of_user(conn, actor.sub)
        bids = await bids_of_vendors(conn, state.solicitation_id, vendor_ids)
    return [MyBid(bid_id=b.bid_id, vendor_id=b.vendor_id, status=b.status) for b in bids]


async def _evaluator_cleared(executor: Executor, state: Solicitation, actor: Actor | None) -> bool:
    if actor is None or actor.role != "evaluator" or not state.opened or not is_agency_staff(actor, state):
        return False
    return await evaluator_cleared(executor, state.solicitation_id, actor)


def _with_documents(shown: SolicitationOut, attachments: list[AttachedDocument]) -> SolicitationOut:
    """The solicitation's documents, and each addendum's and answer's own among them."""
    replace = msgspec.structs.replace
    return replace(
        shown, attachments=attachments,
        addenda=[replace(a, attachments=of_part(attachments, f"addendum:{a.number}")) for a in shown.addenda],
        questions=[replace(q, attachments=of_part(attachments, f"question:{q.id}")) if q.answer is not None else q
                   for q in shown.questions])


class SolicitationController(Controller):
    path = "/solicitations"
    tags = ["solicitations"]

    @get(guards=[requires("buyer", "evaluator", "auditor", "admin")],
         summary="List solicitations, newest first: agency staff see their agency's (drafts "
         "included), admins and auditors every agency's; filter by status, type and dates",
         responses=error_responses(401, 403, 422))
    async def index(
        self, pool: Pool, actor: Actor,
        status: SolicitationStatus | None = None,
        solicitation_type: Annotated[SolicitationType | None, Parameter(query="type")] = None,
        agency: Annotated[str | None, Parameter(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")] = None,
        created_from: datetime | None = None, created_to: datetime | None = None,
        deadline_from: datetime | None = None, deadline_to: datetime | None = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Parameter(max_length=500)] = None,
    ) -> SolicitationPage:
        oversight = actor.role in ("admin", "auditor") and not actor.agency
        scope = agency if oversight else actor.agency
        if not oversight and agency is not None and agency != actor.agency:
            raise Forbidden("you may only list your own agency's solicitations")
        for name, value in (("created_from", created_from), ("created_to", created_to),
                            ("deadline_from", deadline_from), ("deadline_to", deadline_to)):
            if value is not None and value.tzinfo is None:
                raise field_error(name, "needs a timezone, e.g. 2026-01-01T00:00:00Z")
        if scope is None and not oversight:
            scope = ""  # staff whose token names no agency see nothing
        filters = ListFilters(agency=scope, status=status, solicitation_type=solicitation_type,
                              created_from=created_from, created_to=created_to,
                              deadline_from=deadline_from, deadline_to=deadline_to,
                              include_drafts=actor.role != "evaluator")
        async with pool.acquire() as conn:
            rows, next_cursor = await list_solicitations(conn, filters, limit=limit, after=cursor)
        return SolicitationPage(items=[SolicitationSummary(
            id=r["solicitation_id"], agency_id=r["agency_id"], status=r["status"],
            solicitation_type=r["solicitation_type"], title=r["title"], created_at=r["created_at"],
            published_at=r["published_at"], submission_deadline=r["submission_deadline"])
            for r in rows], next_cursor=next_cursor, limit=limit)

    @post(guards=[requires("buyer")], summary="Create a draft solicitation for your agency; warns of duplicate "
          "purchases (cooperative contracts it may use, other agencies' solicitations for the same need)",
          responses=_WRITE_ERRORS)
    async def create(self, executor: Executor, pool: Pool, clock: Clock, actor: Actor,
                     data: SolicitationIn,
                     idempotency_key: IdempotencyKey = None) -> SolicitationOut:
        async with pool.acquire() as conn:
            agency = await agency_facts(conn, actor.agency) if actor.agency else None
        # An unregistered agency (or none) is refused by the decider.
        jurisdiction, time_zone = (agency.jurisdiction, agency.time_zone) if agency else (None, "UTC")
        command_id = scoped_command_id(idempotency_key, actor.sub, "solicitations.create")
        solicitation_id = data.solicitation_id or id_for_command("sol", command_id)
        terms = terms_from(data)
        await clock.refresh()
        async with pool.acquire() as conn:
            similar = await similar_purchases(conn, agency_id=actor.agency or "", title=terms.title,
                                              commodity_codes=list(terms.commodity_codes), now=clock.now())
        command = CreateSolicitation(solicitation_id=solicitation_id, agency_id=actor.agency or "",
                                     jurisdiction=jurisdiction, time_zone=time_zone, terms=terms,
                                     similar=similar)
        outcome = await executor.execute(SOLICITATION, solicitation_id, command, actor,
                                         command_id=command_id)
        return view(outcome.state, outcome.version, actor,
                    warnings=_warnings(outcome.events, outcome.state, "created"))

    @patch("/{solicitation_id:str}", guards=[requires("buyer")], summary="Edit a draft solicitation",
           responses=_WRITE_ERRORS)
    async def update(self, executor: Executor, actor: Actor, solicitation_id: str,
                     data: SolicitationPatchIn,
                     idempotency_key: IdempotencyKey = None) -> SolicitationOut:
        await _load_visible(executor, solicitation_id, actor)
        outcome = await executor.execute(
            SOLICITATION, solicitation_id, UpdateSolicitation(patch=patch_from(data)), actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "solicitations.update"))
        return view(outcome.state, outcome.version, actor)

    @post("/{solicitation_id:str}/publish", guards=[requires("buyer")], status_code=200,
          summary="Publish: checks method by value, open period and splitting; warns of duplicate purchases", responses=_WRITE_ERRORS)
    async def publish(self, executor: Executor, pool: Pool, clock: Clock, actor: Actor,
                      solicitation_id: str,
                      idempotency_key: IdempotencyKey = None) -> SolicitationOut:
        state, _ = await _load_visible(executor, solicitation_id, actor)
        pack = rules.pack(state.jurisdiction)
        window = pack.splitting_window_days if pack else 90
        recent = await recent_publications(pool, state.agency_id, clock.now(), window)
        similar = SimilarPurchases()
        if state.terms is not None:
            async with pool.acquire() as conn:
                similar = await similar_purchases(conn, agency_id=state.agency_id, title=state.terms.title,
                                                  commodity_codes=list(state.terms.commodity_codes),
                                                  now=clock.now())
        outcome = await executor.execute(
            SOLICITATION, solicitation_id, PublishSolicitation(recent=recent, similar=similar), actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "solicitations.publish"))
        return view(outcome.state, outcome.version, actor,
                    warnings=_warnings(outcome.events, outcome.state, "published"))

    @post("/{solicitation_id:str}/addenda", guards=[requires("buyer")], summary="Publish an addendum",
          responses=_WRITE_ERRORS)
    async def addendum(self, executor: Executor, actor: Actor, solicitation_id: str,
                       data: AddendumIn,
                       idempotency_key: IdempotencyKey = None) -> SolicitationOut:
        await _load_visible(executor, solicitation_id, actor)
        command = PublishAddendum(summary=data.summary, changes=data.changes,
                                  submission_deadline=utc(data.submission_deadline),
                                  questions_deadline=utc(data.questions_deadline), opening_time=utc(data.opening_time),
                                  documents=[d.ref() for d in data.documents],
                                  cooperative=data.cooperative.statement() if data.cooperative else None)
        outcome = await executor.execute(
            SOLICITATION, solicitation_id, command, actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "solicitations.addendum"))
        return view(outcome.state, outcome.version, actor)

    @post("/{solicitation_id:str}/questions", guards=[requires("vendor")],
          summary="Ask a question (until the questions deadline); the asker stays anonymous",
          responses=_WRITE_ERRORS)
    async def ask(self, executor: Executor, actor: Actor, solicitation_id: str, data: QuestionIn,
                  idempotency_key: IdempotencyKey = None) -> QuestionOut:
        await _load_visible(executor, solicitation_id, actor)
        command_id = scoped_command_id(idempotency_key, actor.sub, "solicitations.ask")
        question_id = id_for_command("q", command_id)
        outcome = await executor.execute(
            SOLICITATION, solicitation_id, AskQuestion(question_id=question_id, question=data.question), actor,
            command_id=command_id)
        asked = next((q for q in outcome.state.questions if q.question_id == question_id),
                     outcome.state.questions[-1])
        return QuestionOut(id=asked.question_id, question=asked.question, answer=asked.answer,
                           asked_at=asked.asked_at, answered_at=asked.answered_at)

    @post("/{solicitation_id:str}/questions/{question_id:str}/answer", guards=[requires("buyer")],
          status_code=200, summary="Publish the answer to a question, for all vendors",
          responses=_WRITE_ERRORS)
    async def answer(self, executor: Executor, actor: Actor, solicitation_id: str, question_id: str,
                     data: AnswerIn, idempotency_key: IdempotencyKey = None) -> QuestionOut:
        await _load_visible(executor, solicitation_id, actor)
        outcome = await executor.execute(
            SOLICITATION, solicitation_id, AnswerQuestion(question_id=question_id, answer=data.answer), actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "solicitations.answer"))
        q = next(q for q in outcome.state.questions if q.question_id == question_id)
        return QuestionOut(id=q.question_id, question=q.question, answer=q.answer, asked_at=q.asked_at,
                           answered_at=q.answered_at)

    @post("/{solicitation_id:str}/cancel", guards=[requires("buyer")], status_code=200,
          summary="Cancel a solicitation (before a decision); its bids are never opened",
          responses=_WRITE_ERRORS)
    async def cancel(self, executor: Executor, actor: Actor, solicitation_id: str, data: CancelIn,
                     idempotency_key: IdempotencyKey = None) -> SolicitationOut:
        await _load_visible(executor, solicitation_id, actor)
        outcome = await executor.execute(
            SOLICITATION, solicitation_id, CancelSolicitation(reason=data.reason), actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "solicitations.cancel"))
        return view(outcome.state, outcome.version, actor)

    @get("/{solicitation_id:str}", summary="Read a solicitation (what you see depends on your role)",
         responses=error_responses(401, 404, 422))
    async def read(self, executor: Executor, pool: Pool, clock: Clock,
                   maybe_actor: Actor | None, solicitation_id: str, as_of: AsOf = None) -> SolicitationOut:
        when = as_of_instant(as_of)
        state, version = await _load_visible(executor, solicitation_id, maybe_actor, as_of=when)
        attachments = await attached_to(pool, "solicitation", solicitation_id)
        if when is not None:  # the record then; what other contexts know now is left out
            return _with_documents(view(state, version, maybe_actor),
                                   [d for d in attachments if d.attached_at <= when])
        shown = view(state, version, maybe_actor, bids_received=await _bids_received(clock, pool, state, maybe_actor),
                     my_bids=await _my_bids(executor, pool, state, maybe_actor),
                     evaluator_cleared=await _evaluator_cleared(executor, state, maybe_actor))
        return _with_documents(shown, attachments)

    @get("/{solicitation_id:str}/compliance",
         summary="The compliance record: each rule applied, its pack, row and citation, required and used values "
                 "(public once published; drafts to the agency's buyers and oversight)",
         responses=error_responses(404))
    async def compliance(self, executor: Executor, pool: Pool, maybe_actor: Actor | None,
                         solicitation_id: str) -> ComplianceOut:
        state, _ = await _load_visible(executor, solicitation_id, maybe_actor)
        payments = None
        if may_see_payment_record(maybe_actor, state):
            async with pool.acquire() as conn:
                payments = await payment_records(executor, conn, solicitation_id)
        return compliance_view(state, await award_rules_applied(executor, solicitation_id), payments)

    @get("/{solicitation_id:str}/tabulation",
         summary="The bid tabulation, after the opening (public for an ITB)",
         responses=error_responses(401, 403, 404, 409))
    async def tabulation(self, executor: Executor, maybe_actor: Actor | None,
                         solicitation_id: str) -> list[TabulationEntry]:
        state, _ = await _load_visible(executor, solicitation_id, maybe_actor)
        cleared = await _evaluator_cleared(executor, state, maybe_actor)
        return tabulation_for(maybe_actor, state, evaluator_cleared=cleared)


@get("/criteria-library", tags=["solicitations"], summary="Reusable evaluation criteria, AI-system criteria included")
async def criteria_library() -> list[LibraryCriterion]:
    return list(library())


VendorParam = Annotated[str | None, Parameter(query="vendor_id", required=False, max_length=64,
                                              description="the vendor you act for, when you act for several")]


class FollowController(Controller):
    path = "/follows"
    tags = ["solicitations"]
    guards = [requires("vendor")]

    @get(summary="Commodity codes you follow", responses=error_responses(401, 403, 422))
    async def list_follows(self, executor: Executor, pool: Pool, actor: Actor,
                           vendor_id: VendorParam = None) -> FollowsOut:
        vendor = await acting_vendor(pool, actor, vendor_id)
        state, _ = await executor.load(FOLLOWS, vendor)
        return FollowsOut(vendor_id=vendor, commodity_codes=sorted(state.codes))

    @post(summary="Follow a commodity code: publications with it become notices for you",
          responses=error_responses(401, 403, 422))
    async def follow(self, executor: Executor, pool: Pool, actor: Actor,
                     data: FollowIn) -> FollowsOut:
        vendor = await acting_vendor(pool, actor, data.vendor_id)
        outcome = await executor.execute(FOLLOWS, vendor, Follow(vendor_id=vendor,
                                               commodity_code=data.commodity_code), actor)
        return FollowsOut(vendor_id=vendor, commodity_codes=sorted(outcome.state.codes))

    @delete("/{commodity_code:str}", status_code=200, summary="Stop following a commodity code",
            responses=error_responses(401, 403, 404, 422))
    async def unfollow(self, executor: Executor, pool: Pool, actor: Actor, commodity_code: str,
                       vendor_id: VendorParam = None) -> FollowsOut:
        vendor = await acting_vendor(pool, actor, vendor_id)
        outcome = await executor.execute(FOLLOWS, vendor, Unfollow(vendor_id=vendor,
                                               commodity_code=commodity_code), actor)
        return FollowsOut(vendor_id=vendor, commodity_codes=sorted(outcome.state.codes))


@get("/notices", tags=["solicitations"], guards=[requires("vendor")],
     summary="Notices of solicitations published with a commodity code you follow, and of addenda to and "
     "cancellations of them or of solicitations you bid on, newest first",
     responses=error_responses(401, 403, 422))
async def list_notices(
    pool: Pool, actor: Actor, vendor_id: VendorParam = None,
    limit: Annotated[int, Parameter(ge=1, le=200)] = 50, offset: Annotated[int, Parameter(ge=0, le=MAX_OFFSET)] = 0,
) -> list[NoticeOut]:
    vendor = await acting_vendor(pool, actor, vendor_id)
    async with pool.acquire() as conn:
        rows = await notices_of(conn, [vendor], limit, offset)
    return [NoticeOut(id=r["notice_id"], kind=r["kind"], addendum_number=r["addendum_number"], vendor_id=r["vendor_id"], solicitation_id=r["solicitation_id"],
                      agency_id=r["agency_id"], title=r["title"], solicitation_type=r["solicitation_type"],
                      matched_codes=list(r["matched_codes"]), submission_deadline=r["submission_deadline"],
                      published_at=r["published_at"]) for r in rows]
