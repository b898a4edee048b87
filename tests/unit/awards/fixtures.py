"""Solicitation facts and actors for the evaluation decider's tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from events.base import Money
from kernel.context import Actor, Context
from services.awards.commands import (
    AppointEvaluator,
    CriterionScore,
    DeclareConflicts,
    FinalizeScores,
    RecommendAward,
    RecordResponsiveness,
    RecordScores,
)
from services.awards.decider import EVALUATION
from services.awards.deciders.state import Evaluation
from services.awards.inputs import BidFacts, Criterion, SolicitationFacts, VendorFacts

AGENCY = "ag1"
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

BUYER = Actor(sub="buyer-1", role="buyer", agency=AGENCY)
ADMIN = Actor(sub="admin-1", role="admin")
EVAL_A = Actor(sub="eva", role="evaluator", agency=AGENCY)
EVAL_B = Actor(sub="evb", role="evaluator", agency=AGENCY)
VENDOR_X = Actor(sub="ux", role="vendor", vendor="vx")
VENDOR_Y = Actor(sub="uy", role="vendor", vendor="vy")
OUTSIDER = Actor(sub="uz", role="vendor", vendor="vz")

CRITERIA = (
    Criterion(criterion_id="tech", name="Technical approach", weight=60, scale_max=10),
    Criterion(criterion_id="price", name="Price", weight=40, is_price=True),
)


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


def facts(kind: str = "RFP", *, multiple: bool = False, prices: tuple[int, int] = (100_000, 80_000),
          **overrides) -> SolicitationFacts:
    bids = (BidFacts(bid_id="bx", vendor_id="vx", price=usd(prices[0])),
            BidFacts(bid_id="by", vendor_id="vy", price=usd(prices[1])))
    fields = dict(solicitation_id="s1", agency_id=AGENCY, solicitation_type=kind,
                  criteria=CRITERIA, allows_multiple_awards=multiple, opened=True,
                  bidders=("vx", "vy"), bids=bids)
    return SolicitationFacts(**(fields | overrides))


def at(actor: Actor, when: datetime = MONDAY) -> Context:
    return Context(now=when, actor=actor)


def later(ctx: Context, **delta) -> Context:
    return Context(now=ctx.now + timedelta(**delta), actor=ctx.actor)


VENDORS = {"vx": VendorFacts(vendor_id="vx"), "vy": VendorFacts(vendor_id="vy")}


def evaluated(f: SolicitationFacts, tech: dict[str, float], *, seed: str = "seed") -> Evaluation:
    """Two cleared evaluators score every bid's technical approach (both the same score),
    every bid is responsive, and the buyer finalises."""
    commands = [
        (AppointEvaluator(solicitation=f, evaluator="eva"), at(BUYER)),
        (AppointEvaluator(solicitation=f, evaluator="evb"), at(BUYER)),
        (DeclareConflicts(solicitation=f, bidders=["vx", "vy"]), at(EVAL_A)),
        (DeclareConflicts(solicitation=f, bidders=["vx", "vy"]), at(EVAL_B)),
        *[(RecordResponsiveness(solicitation=f, bid_id=b.bid_id, responsive=True), at(BUYER))
          for b in f.bids],
    ]
    for evaluator in (EVAL_A, EVAL_B):
        for bid_id, score in tech.items():
            commands.append((RecordScores(solicitation=f, bid_id=bid_id, scores=[
                CriterionScore(criterion_id="tech", score=score, comment="clear plan")]), at(evaluator)))
    commands.append((FinalizeScores(solicitation=f, vendors=VENDORS, seed=seed), at(BUYER)))
    state, _ = EVALUATION.run(commands)
    return state


def recommend(f: SolicitationFacts, award_id: str = "aw1", **overrides) -> RecommendAward:
    fields = dict(solicitation=f, award_id=award_id, rationale="best value",
                  contract_start=date(2026, 4, 1), contract_end=date(2027, 3, 31), vendors=VENDORS)
    return RecommendAward(**(fields | overrides))
