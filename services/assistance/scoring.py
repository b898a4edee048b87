"""How a match is scored: a sum of named parts, each a weight times a value in 0..1.

No opaque number: every suggestion carries its parts, so a person sees why. Two models
share the parts and differ in how text is compared: ``semantic`` uses sentence
embeddings (paraphrases match), ``lexical`` only shared words (the baseline it is
measured against in ``civic bench matching``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from events.assistance import ScorePart
from kernel import commodities as codes
from services.assistance.text import overlap

#: cosine similarities of all-MiniLM-L6-v2 below this say nothing; from FULL up they say all
COSINE_FLOOR, COSINE_FULL = 0.15, 0.65
#: a purchase is "similar" from this score up (a shared family and some text, or close text)
SIMILAR_THRESHOLD = 0.35


@dataclass(frozen=True)
class Model:
    name: str
    version: str
    weights: Mapping[str, float]
    semantic: bool


# What a vendor does decides relevance (codes and text, 0.75 together); past work, place
# and programs order the relevant ones but cannot lift an unrelated vendor above them.
SEMANTIC = Model("civic-match", "1", {
    "commodity_code": 0.25,
    "text_similarity": 0.40,
    "shared_words": 0.10,
    "past_work": 0.10,
    "location": 0.05,
    "set_aside": 0.05,
    "past_performance": 0.05,
}, semantic=True)

LEXICAL = Model("civic-match-lexical", "1", {
    "commodity_code": 0.25,
    "shared_words": 0.50,
    "past_work": 0.10,
    "location": 0.05,
    "set_aside": 0.05,
    "past_performance": 0.05,
}, semantic=False)

SIMILAR = Model("civic-similar", "1", {
    "commodity_code": 0.35,
    "text_similarity": 0.50,
    "shared_words": 0.15,
}, semantic=True)


def text_value(cosine: float) -> float:
    """Cosine similarity mapped onto 0..1."""
    return min(1.0, max(0.0, (cosine - COSINE_FLOOR) / (COSINE_FULL - COSINE_FLOOR)))


@dataclass(frozen=True)
class VendorSide:
    vendor_id: str
    commodity_codes: tuple[str, ...]
    words: frozenset[str]
    local_agencies: frozenset[str]
    state: str
    #: programs with a verified certification, each with its (effective, expiry) dates
    certifications: tuple[tuple[str, date, date], ...] = ()
    #: commodity codes of the solicitations this vendor bid on, and of those it won
    bid_codes: tuple[tuple[str, ...], ...] = ()
    won_codes: tuple[tuple[str, ...], ...] = ()
    #: (commodity codes of the contract's solicitation, average rating 1..5)
    ratings: tuple[tuple[tuple[str, ...], float], ...] = ()

    def certified(self, program: str, on: date) -> bool:
        return any(p == program and start <= on <= end for p, start, end in self.certifications)

    def programs(self, on: date) -> list[str]:
        return sorted({p for p, start, end in self.certifications if start <= on <= end})


@dataclass(frozen=True)
class SolicitationSide:
    solicitation_id: str
    agency_id: str
    agency_state: str
    commodity_codes: tuple[str, ...]
    words: frozenset[str]
    set_aside_program: str | None = None
    deadline: date | None = None
    extra: dict[str, str] = field(default_factory=dict)


def eligible(vendor: VendorSide, solicitation: SolicitationSide, today: date) -> bool:
    """A set-aside is open only to vendors certified in its program on the deadline."""
    program = solicitation.set_aside_program
    return program is None or vendor.certified(program, solicitation.deadline or today)


def _part(model: Model, name: str, value: float, detail: str = "") -> ScorePart | None:
    weight = model.weights.get(name)
    if weight is None:
        return None
    value = round(min(1.0, max(0.0, value)), 4)
    return ScorePart(name=name, weight=weight, value=value, points=round(weight * value, 4), detail=detail)


def _family_count(wanted: tuple[str, ...], lists: tuple[tuple[str, ...], ...]) -> int:
    return sum(1 for offered in lists if codes.closeness(wanted, offered)[0] >= codes.FAMILY)


def match_parts(
    model: Model, vendor: VendorSide, solicitation: SolicitationSide, cosine: float, today: date
) -> list[ScorePart]:
    """Every part of a vendor-to-solicitation match, in a fixed order."""
    code_value, code_reason = codes.closeness(solicitation.commodity_codes, vendor.commodity_codes)
    shared = vendor.words & solicitation.words
    word_value = overlap(set(vendor.words), set(solicitation.words))
    wins = _family_count(solicitation.commodity_codes, vendor.won_codes)
    bids = _family_count(solicitation.commodity_codes, vendor.bid_codes)
    past_value = min(1.0, 0.5 * wins + 0.2 * bids)
    rated = [score for wanted, score in vendor.ratings
             if codes.closeness(solicitation.commodity_codes, wanted)[0] >= codes.FAMILY]
    if solicitation.agency_id in vendor.local_agencies:
        location, where = 1.0, "local preference with the buying agency"
    elif vendor.state and vendor.state == solicitation.agency_state:
        location, where = 0.5, f"based in {vendor.state}"
    else:
        location, where = 0.0, ""
    program = solicitation.set_aside_program
    set_aside = 1.0 if program and eligible(vendor, solicitation, today) else 0.0
    parts = [
        _part(model, "commodity_code", code_value, code_reason),
        _part(model, "text_similarity", text_value(cosine), f"text similarity {cosine:.2f}"),
        _part(model, "shared_words", word_value, ", ".join(sorted(shared)[:8])),
        _part(model, "past_work", past_value,
              f"{wins} won and {bids} bid in this family" if wins or bids else ""),
        _part(model, "location", location, where),
        _part(model, "set_aside", set_aside, f"eligible for the {program} set-aside" if set_aside else ""),
        _part(model, "past_performance", (sum(rated) / len(rated) - 1) / 4 if rated else 0.0,
              f"average rating {sum(rated) / len(rated):.1f} on {len(rated)} contracts" if rated else ""),
    ]
    return [p for p in parts if p is not None]


def similar_parts(model: Model, a: SolicitationSide, b: SolicitationSide, cosine: float) -> list[ScorePart]:
    """How alike two purchases are (a solicitation and another one, or a contract's)."""
    code_value, code_reason = codes.closeness(a.commodity_codes, b.commodity_codes)
    shared = a.words & b.words
    parts = [
        _part(model, "commodity_code", code_value, code_reason),
        _part(model, "text_similarity", text_value(cosine), f"text similarity {cosine:.2f}"),
        _part(model, "shared_words", overlap(set(a.words), set(b.words)), ", ".join(sorted(shared)[:8])),
    ]
    return [p for p in parts if p is not None]


def total(parts: list[ScorePart]) -> float:
    return round(sum(p.points for p in parts), 4)
