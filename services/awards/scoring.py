"""Tabulation: weighted points per criterion, totals, the ranking and tie-breaking. Pure.

The formulas (also in docs/awards-and-contracts.md):
- a scored criterion: consensus = mean of the cleared evaluators' scores;
  points = consensus / scale_max x weight;
- the price criterion: points = lowest responsive price / this bid's price x weight;
- total = the sum of the points (weights sum to 100, so the total is out of 100).
Arithmetic is exact (fractions) so that equal totals really tie; events carry the
numbers rounded to four decimals.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from events.awards import CriterionPoints, RankedBid, TieBreak
from events.base import Money
from services.awards.inputs import BidFacts, Criterion, VendorFacts

LOWEST_PRICE = "lowest_price"
HIGHEST_SCORE = "highest_score"

#: The tie-break rules, in the default order. A drawing always comes last, so every tie
#: is resolved; its seed is recorded in the event, which makes the drawing reproducible.
TIE_BREAK_RULES = ("local_preference", "diversity_certification", "drawing")


def basis_for(solicitation_type: str) -> str:
    """ITB and RFQ award the lowest responsive, responsible price; RFP the best score."""
    return HIGHEST_SCORE if solicitation_type == "RFP" else LOWEST_PRICE


@dataclass(frozen=True)
class Line:
    """One bid in the tabulation."""

    bid_id: str
    vendor_id: str
    price: Money
    total: Fraction
    criteria: list[CriterionPoints]
    #: scored criteria with fewer scores than evaluators
    incomplete: list[str] = field(default_factory=list)


def _rounded(value: Fraction) -> float:
    return round(float(value), 4)


def tabulate(
    bids: Sequence[BidFacts],
    criteria: Sequence[Criterion],
    scores: Mapping[tuple[str, str], Sequence[float]],
    evaluator_count: int,
) -> list[Line]:
    """Weighted points of each bid. ``scores[(bid_id, criterion_id)]`` are the cleared
    evaluators' scores; ``evaluator_count`` how many each criterion should have."""
    if not bids:
        return []
    lowest = min(b.price.amount for b in bids)
    lines = []
    for bid in bids:
        points: list[CriterionPoints] = []
        incomplete: list[str] = []
        total = Fraction(0)
        for criterion in criteria:
            if criterion.is_price:
                consensus = Fraction(lowest, bid.price.amount) if bid.price.amount else Fraction(1)
                earned = consensus * criterion.weight
            else:
                given = [Fraction(str(s)) for s in scores.get((bid.bid_id, criterion.criterion_id), ())]
                if len(given) < evaluator_count or not given:
                    incomplete.append(criterion.criterion_id)
                consensus = sum(given, Fraction(0)) / len(given) if given else Fraction(0)
                earned = consensus / criterion.scale_max * criterion.weight
            total += earned
            points.append(CriterionPoints(
                criterion_id=criterion.criterion_id, name=criterion.name, weight=criterion.weight,
                consensus=_rounded(consensus), points=_rounded(earned)))
        lines.append(Line(bid.bid_id, bid.vendor_id, bid.price, total, points, incomplete))
    return lines


def _favoured(rule: str, vendor: VendorFacts | None) -> bool:
    if vendor is None:
        return False
    if rule == "local_preference":
        return vendor.local
    if rule == "diversity_certification":
        return vendor.certified
    raise ValueError(f"unknown tie-break rule {rule}")


def break_tie(
    tied: Sequence[Line], vendors: Mapping[str, VendorFacts], rules: Sequence[str], seed: str
) -> tuple[list[Line], TieBreak]:
    """Order tied bids by the rules in turn; a drawing seeded by ``seed`` settles the rest."""
    preference = [r for r in rules if r != "drawing"]
    ids = sorted(line.bid_id for line in tied)
    drawn = list(ids)
    random.Random(f"{seed}:{','.join(ids)}").shuffle(drawn)

    def key(line: Line) -> tuple[int, ...]:
        favoured = tuple(0 if _favoured(r, vendors.get(line.vendor_id)) else 1 for r in preference)
        return (*favoured, drawn.index(line.bid_id))

    ordered = sorted(tied, key=key)
    applied = [*preference, "drawing"]
    deciding = [_first_difference(key(a), key(b)) for a, b in zip(ordered, ordered[1:], strict=False)]
    used_drawing = any(i == len(preference) for i in deciding)
    return ordered, TieBreak(
        bid_ids=ids,
        rules=applied,
        decided_by_rule=applied[deciding[0]],
        order=[line.bid_id for line in ordered],
        seed=seed if used_drawing else None,
    )


def _first_difference(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)


def rank(
    lines: Sequence[Line],
    basis: str,
    vendors: Mapping[str, VendorFacts],
    rules: Sequence[str],
    seed: str,
) -> tuple[list[RankedBid], list[TieBreak]]:
    """Rank 1 wins: the lowest price or the highest total; ties broken by ``rules``."""

    def primary(line: Line) -> Fraction:
        return Fraction(line.price.amount) if basis == LOWEST_PRICE else -line.total

    groups: dict[Fraction, list[Line]] = {}
    for line in lines:
        groups.setdefault(primary(line), []).append(line)
    ordered: list[Line] = []
    tie_breaks: list[TieBreak] = []
    for value in sorted(groups):
        group = sorted(groups[value], key=lambda line: line.bid_id)
        if len(group) > 1:
            group, record = break_tie(group, vendors, rules, seed)
            tie_breaks.append(record)
        ordered.extend(group)
    ranking = [
        RankedBid(rank=i, bid_id=line.bid_id, vendor_id=line.vendor_id, price=line.price,
                  total=_rounded(line.total), criteria=line.criteria)
        for i, line in enumerate(ordered, start=1)
    ]
    return ranking, tie_breaks
