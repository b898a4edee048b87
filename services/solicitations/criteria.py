"""Evaluation criteria: the reusable library (``data/criteria_library.json``) and the
rules a solicitation's criteria follow."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import msgspec

from events.solicitations import Criterion
from kernel.errors import field_error


class LibraryCriterion(msgspec.Struct, frozen=True, kw_only=True):
    library_id: str
    name: str
    description: str
    category: str
    is_price: bool = False
    scale_max: int = 10


@cache
def library() -> tuple[LibraryCriterion, ...]:
    raw = (Path(__file__).parent / "data" / "criteria_library.json").read_bytes()
    return tuple(msgspec.json.decode(raw, type=list[LibraryCriterion]))


def from_library(library_id: str, field: str) -> LibraryCriterion:
    for item in library():
        if item.library_id == library_id:
            return item
    raise field_error(field, f"unknown library criterion {library_id!r}")


def check_criteria(solicitation_type: str, criteria: Sequence[Criterion]) -> None:
    """Weights are whole percentages summing to 100, ids unique, at most one price
    criterion. An RFI is information only and has none; an ITB is decided on price alone
    (lowest responsive, responsible bid), so its criteria, if any, are price at 100."""
    if solicitation_type == "RFI":
        if criteria:
            raise field_error("criteria", "an RFI is information only and has no evaluation criteria")
        return
    if solicitation_type == "ITB":
        if criteria and not (len(criteria) == 1 and criteria[0].is_price and criteria[0].weight == 100):
            raise field_error("criteria", "an ITB is decided on price alone: one price criterion, weight 100")
        return
    if not criteria:
        raise field_error("criteria", f"an {solicitation_type} needs evaluation criteria")
    seen: set[str] = set()
    for i, c in enumerate(criteria):
        if c.criterion_id in seen:
            raise field_error(f"criteria[{i}].criterion_id", "each criterion id once")
        seen.add(c.criterion_id)
        if not c.name.strip():
            raise field_error(f"criteria[{i}].name", "must not be blank")
        if not 1 <= c.weight <= 100:
            raise field_error(f"criteria[{i}].weight", "must be 1 to 100")
        if not 1 <= c.scale_max <= 100:
            raise field_error(f"criteria[{i}].scale_max", "must be 1 to 100")
    if sum(1 for c in criteria if c.is_price) > 1:
        raise field_error("criteria", "at most one price criterion")
    total = sum(c.weight for c in criteria)
    if total != 100:
        raise field_error("criteria", f"weights must sum to 100, not {total}")
