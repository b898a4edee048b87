"""HTTP for evaluation, awards and protests: parse, read the facts, execute, show."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated

import msgspec
from asyncpg import Pool
from litestar import Controller, get, post
from litestar.params import Parameter

from infra.clock import Clock
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.bodies import money_or_none
from infra.http.common import AsOf, IdempotencyKey, as_of_instant, id_for_command, scoped_command_id
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import NotFound
from services.awards.commands import (
    AppointEvaluator,
    CriterionScore,
    DecideProtest,
    DeclareConflicts,
    FileProtest,
    FinalizeAward,
    FinalizeScores,
    RecommendAward,
    RecordResponsiveness,
    RecordScores,
)
from services.awards.decider import EVALUATION
from services.awards.deciders.state import Evaluation
from services.awards.inputs import SolicitationFacts
from services.awards.readmodel import (
    require_bid_solicitation,
    require_solicitation,
    solicitation_of_award,
    solicitation_of_protest,
    vendor_facts,
    vendors_facts,
)
from services.awards.schemas import (
    AwardOut,
    BidScoresOut,
    DecisionIn,
    DeclarationIn,
    DeclarationOut,
    EvaluationOut,
    EvaluatorIn,
    FinalizeAwardIn,
    FinalizeScoresIn,
    ProtestIn,
    ProtestOut,
    RecommendationIn,
    ResponsivenessIn,
    ReviewOut,
    ScoresIn,
    award_out,
    evaluation_out,
    protest_out,
    scores_out,
)
from services.awards.scoring import TIE_BREAK_RULES
from services.awards.settings import SETTINGS
from services.documents.facts import attached_to_each
from services.solicitations.facts import process_rules
from services.vendors.facts import acting_for


async def _with_documents(pool: Pool, award: AwardOut) -> AwardOut:
    """Each protest shown (to its agency and its protester) with its documents."""
    if not award.protests:
        return award
    documents = await attached_to_each(pool, "protest", [p.protest_id for p in award.protests])
    return msgspec.structs.replace(award, protests=[
        msgspec.structs.replace(p, attachments=documents[p.protest_id]) for p in award.protests])


def _command_id(key: str | None, actor: Actor, route: str) -> str | None:
    return scoped_command_id(key, actor.sub, f"awards.{route}")


async def _load(executor: Executor, solicitation_id: str, *,
                as_of: datetime | None = None) -> tuple[Evaluation, int]:
    return await executor.load(EVALUATION, solicitation_id, as_of=as_of)


class EvaluationController(Controller):
    """Evaluation sub-resources of a solicitation (the solicitation itself is elsewhere)."""

    path = "/solicitations"
    tags = ["evaluation"]

    @post("/{solicitation_id:str}/evaluators", guards=[requires("buyer", "admin")],
          summary="Appoint an evaluator (role evaluator, same agency)",
          responses=error_responses(401, 403, 404, 409, 422))
    async def appoint(self, executor: Executor, pool: Pool, actor: Actor, solicitation_id: str,
                      data: EvaluatorIn,
                      idempotency_key: IdempotencyKey = None) -> EvaluationOut:
        async with pool.acquire() as conn:
            facts = await require_solicitation(conn, solicitation_id)
        outcome = await executor.execute_retrying(
            EVALUATION, solicitation_id, AppointEvaluator(solicitation=facts, evaluator=data.evaluator),
            actor, command_id=_command_id(idempotency_key, actor, "evaluators"))
        return evaluation_out(outcome.state, outcome.version, facts, actor)

    @post("/{solicitation_id:str}/coi-declarations", guards=[requires("evaluator")],
          summary="Declare conflicts of interest with the named bidders (before seeing any bid)",
          responses=error_responses(401, 403, 404, 409, 422))
    async def declare(self, executor: Executor, pool: Pool, actor: Actor, solicitation_id: str,
                      data: DeclarationIn,
                      idempotency_key: IdempotencyKey = None) -> DeclarationOut:
        async with pool.acquire() as conn:
            facts = await require_solicitation(conn, solicitation_id)
        outcome = await executor.execute_retrying(
            EVALUATION, solicitation_id,
            DeclareConflicts(solicitation=facts, bidders=data.bidders, conflicts=data.conflicts,
                             statement=data.statement),
            actor, command_id=_command_id(idempotency_key, actor, "coi"))
        declared = outcome.state.declarations[actor.sub]
        return DeclarationOut(solicitation_id=solicitation_id, evaluator=actor.sub,
                              status=outcome.state.evaluators[actor.sub], bidders=declared.bidders,
                              conflicts=declared.conflicts)

    @post("/{solicitation_id:str}/scores/finalize", guards=[requires("buyer", "admin")],
          status_code=200, summary="Finalise the consensus scores and rank the bids",
          responses=error_responses(401, 403, 404, 409, 422))
    async def finalize_scores(self, executor: Executor, pool: Pool, clock: Clock, actor: Actor,
                              solicitation_id: str,
                              data: FinalizeScoresIn | None = None,
                              idempotency_key: IdempotencyKey = None) -> EvaluationOut:
        now = clock.now()
        async with pool.acquire() as conn:
            facts = await require_solicitation(conn, solicitation_id)
            vendors = await vendors_facts(conn, facts.bidders, facts.agency_id, now)
        rules = tuple(data.tie_break_rules) if data and data.tie_break_rules else TIE_BREAK_RULES
        outcome = await executor.execute_retrying(
            EVALUATION, solicitation_id,
            FinalizeScores(solicitation=facts, vendors=vendors, seed=secrets.token_hex(8),
                           tie_break_rules=rules),
            actor, command_id=_command_id(idempotency_key, actor, "finalize-scores"))
        return evaluation_out(outcome.state, outcome.version, facts, actor)

    @get("/{solicitation_id:str}/evaluation",
         guards=[requires("buyer", "admin", "auditor", "evaluator")],
         summary="The evaluation: bids, reviews, scores, tabulation, ranking and awards",
         responses=error_responses(401, 403, 404, 409))
    async def read(self, executor: Executor, pool: Pool, actor: Actor,
                   solicitation_id: str) -> EvaluationOut:
        async with pool.acquire() as conn:
            facts = await require_solicitation(conn, solicitation_id)
        state, version = await _load(executor, solicitation_id)
        shown = evaluation_out(state, version, facts, actor)
        if not shown.bids:
            return shown
        documents = await attached_to_each(pool, "bid", [b.bid_id for b in shown.bids])
        return msgspec.structs.replace(shown, bids=[
            msgspec.structs.replace(b, attachments=documents[b.bid_id]) for b in shown.bids])

    @post("/{solicitation_id:str}/award-recommendation", guards=[requires("buyer", "admin")],
          summary="Recommend an award and publish the notice of intent (opens the protest window)",
          responses=error_responses(401, 403, 404, 409, 422))
    async def recommend(self, executor: Executor, pool: Pool, clock: Clock, actor: Actor,
                        solicitation_id: str,
                        data: RecommendationIn, idempotency_key: IdempotencyKey = None) -> AwardOut:
        now = clock.now()
        async with pool.acquire() as conn:
            facts = await require_solicitation(conn, solicitation_id)
            vendors = await vendors_facts(conn, facts.bidders, facts.agency_id, now)
        command_id = _command_id(idempotency_key, actor, "recommend")
        award_id = id_for_command("aw", command_id)
        outcome = await executor.execute_retrying(
            EVALUATION, solicitation_id,
            RecommendAward(
                solicitation=facts, award_id=award_id, rationale=data.rationale,
                contract_start=data.contract_start, contract_end=data.contract_end,
                vendors=vendors, bid_id=data.bid_id, value=money_or_none(data.value), terms_ref=data.terms_ref,
                requires_receipt=data.requires_receipt,
                protest_window_business_days=data.protest_window_business_days
                or SETTINGS.protest_window_business_days,
                rules=await process_rules(executor, solicitation_id)),
            actor, command_id=command_id)
        return award_out(outcome.state, outcome.state.awards[award_id], actor)


async def _bid_solicitation(pool: Pool, bid_id: str) -> SolicitationFacts:
    async with pool.acquire() as conn:
        return await require_bid_solicitation(conn, bid_id)


class BidEvaluationController(Controller):
    """Evaluation of one opened bid: its responsiveness review and its scores (a bid is
    known here only once the opening has unsealed it)."""

    path = "/bids"
    tags = ["evaluation"]

    @post("/{bid_id:str}/responsiveness", guards=[requires("buyer", "evaluator")],
          summary="Record the responsiveness and responsibility review of a bid",
          responses=error_responses(401, 403, 404, 409, 422))
    async def review(self, executor: Executor, pool: Pool, actor: Actor, bid_id: str,
                     data: ResponsivenessIn,
                     idempotency_key: IdempotencyKey = None) -> ReviewOut:
        facts = await _bid_solicitation(pool, bid_id)
        outcome = await executor.execute_retrying(
            EVALUATION, facts.solicitation_id,
            RecordResponsiveness(solicitation=facts, bid_id=bid_id, responsive=data.responsive,
                                 responsible=data.responsible, reason=data.reason),
            actor, command_id=_command_id(idempotency_key, actor, "responsiveness"))
        review = outcome.state.reviews[bid_id]
        return ReviewOut(bid_id=bid_id, vendor_id=review.vendor_id, responsive=review.responsive,
                         responsible=review.responsible, reason=review.reason,
                         recorded_by=review.recorded_by, recorded_at=review.recorded_at)

    @post("/{bid_id:str}/scores", guards=[requires("evaluator")],
          summary="Score a responsive bid on the solicitation's criteria, with comments",
          responses=error_responses(401, 403, 404, 409, 422))
    async def score(self, executor: Executor, pool: Pool, actor: Actor, bid_id: str, data: ScoresIn,
                    idempotency_key: IdempotencyKey = None) -> BidScoresOut:
        facts = await _bid_solicitation(pool, bid_id)
        scores = [CriterionScore(criterion_id=s.criterion_id, score=s.score, comment=s.comment)
                  for s in data.scores]
        outcome = await executor.execute_retrying(
            EVALUATION, facts.solicitation_id,
            RecordScores(solicitation=facts, bid_id=bid_id, scores=scores),
            actor, command_id=_command_id(idempotency_key, actor, "scores"))
        return BidScoresOut(bid_id=bid_id, solicitation_id=facts.solicitation_id,
                            scores=scores_out(outcome.state, evaluator=actor.sub, bid_id=bid_id))


class AwardController(Controller):
    path = "/awards"
    tags = ["awards"]

    @get(summary="The awards of a solicitation (notices of intent are public)",
         responses=error_responses(422))
    async def index(self, executor: Executor, pool: Pool, maybe_actor: Actor | None,
                    solicitation_id: Annotated[str, Parameter(min_length=1, max_length=200)]) -> list[AwardOut]:
        state, _ = await _load(executor, solicitation_id)
        if maybe_actor is not None:
            async with pool.acquire() as conn:
                protesters = [p.filed.vendor_id for p in state.protests.values()]
                maybe_actor = await acting_for(conn, maybe_actor, protesters)
        return [await _with_documents(pool, award_out(state, award, maybe_actor)) for award in state.awards.values()]

    @get("/{award_id:str}", summary="An award: the notice, the scores it rests on, its status",
         description="The notice of intent is public; protests are shown to the issuing agency "
         "and to the bidder who filed them.", responses=error_responses(404, 422))
    async def read(self, executor: Executor, pool: Pool, maybe_actor: Actor | None,
                   award_id: str, as_of: AsOf = None) -> AwardOut:
        # Never hold a pooled connection while loading the stream: the load takes another one.
        async with pool.acquire() as conn:
            solicitation_id = await solicitation_of_award(conn, award_id)
        state, _ = await _load(executor, solicitation_id, as_of=as_of_instant(as_of))
        if award_id not in state.awards:  # not yet recommended at that moment
            raise NotFound(f"award {award_id} not found")
        if maybe_actor is not None:
            protesters = [p.filed.vendor_id for p in state.protests.values() if p.award_id == award_id]
            async with pool.acquire() as conn:
                maybe_actor = await acting_for(conn, maybe_actor, protesters)
        return await _with_documents(pool, award_out(state, state.awards[award_id], maybe_actor))

    @post("/{award_id:str}/protests", guards=[requires("vendor")],
          summary="Protest a notice of intent to award (bidders, during the protest window)",
          responses=error_responses(401, 403, 404, 409, 422))
    async def protest(self, executor: Executor, pool: Pool, actor: Actor, award_id: str,
                      data: ProtestIn,
                      idempotency_key: IdempotencyKey = None) -> ProtestOut:
        async with pool.acquire() as conn:
            solicitation_id = await solicitation_of_award(conn, award_id)
            facts = await require_solicitation(conn, solicitation_id)
            actor = await acting_for(conn, actor, facts.bidders)
        command_id = _command_id(idempotency_key, actor, "protest")
        protest_id = id_for_command("pr", command_id)
        outcome = await executor.execute_retrying(
            EVALUATION, solicitation_id,
            FileProtest(solicitation=facts, award_id=award_id, protest_id=protest_id,
                        grounds=data.grounds),
            actor, command_id=command_id)
        return protest_out(outcome.state.protests[protest_id])

    @post("/{award_id:str}/finalize", guards=[requires("buyer", "admin")], status_code=200,
          summary="Make the award final (after the protest window, with no pending protest)",
          responses=error_responses(401, 403, 404, 409, 422))
    async def finalize(self, executor: Executor, pool: Pool, clock: Clock, actor: Actor,
                       award_id: str,
                       data: FinalizeAwardIn | None = None,
                       idempotency_key: IdempotencyKey = None) -> AwardOut:
        now = clock.now()
        async with pool.acquire() as conn:
            solicitation_id = await solicitation_of_award(conn, award_id)
        state, _ = await _load(executor, solicitation_id)
        award = state.awards.get(award_id)
        if award is None:
            raise NotFound(f"award {award_id} not found")
        async with pool.acquire() as conn:
            vendor = await vendor_facts(conn, award.vendor_id, state.agency_id, now)
            facts = await require_solicitation(conn, solicitation_id)
        outcome = await executor.execute_retrying(
            EVALUATION, solicitation_id,
            FinalizeAward(award_id=award_id, vendor=vendor, solicitation_cancelled=facts.cancelled,
                          rationale=data.rationale if data else ""),
            actor, command_id=_command_id(idempotency_key, actor, "finalize"))
        return award_out(outcome.state, outcome.state.awards[award_id], actor)


class ProtestController(Controller):
    path = "/protests"
    tags = ["awards"]

    @post("/{protest_id:str}/decision", guards=[requires("buyer", "admin", "vendor")],
          status_code=200,
          summary="Decide a protest: dismissed, sustained (cancel the award or re-evaluate), "
          "withdrawn (also by the protesting bidder)",
          responses=error_responses(401, 403, 404, 409, 422))
    async def decide(self, executor: Executor, pool: Pool, actor: Actor, protest_id: str,
                     data: DecisionIn,
                     idempotency_key: IdempotencyKey = None) -> ProtestOut:
        async with pool.acquire() as conn:
            solicitation_id = await solicitation_of_protest(conn, protest_id)
        state, _ = await _load(executor, solicitation_id)
        protest = state.protests.get(protest_id)
        if protest is not None:
            async with pool.acquire() as conn:
                actor = await acting_for(conn, actor, [protest.filed.vendor_id])
        outcome = await executor.execute_retrying(
            EVALUATION, solicitation_id,
            DecideProtest(protest_id=protest_id, outcome=data.outcome, reason=data.reason,
                          remedy=data.remedy),
            actor, command_id=_command_id(idempotency_key, actor, "decision"))
        return protest_out(outcome.state.protests[protest_id])
