"""Commodity codes (UNSPSC and NIGP): their descriptions, their prefixes and their levels.

Descriptions come from ``data/commodity_codes.csv`` so that a search for "janitorial"
finds a solicitation coded 47131700 whose own text never says so. An eight-digit code is
UNSPSC (segment, family, class, commodity: 2/4/6/8 digits); any other is NIGP (class of
three digits, item after it, dashes ignored).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "commodity_codes.csv"


@cache
def descriptions() -> dict[tuple[str, str], str]:
    """(scheme, code prefix) -> description."""
    with _DATA.open(newline="") as fh:
        return {(row["scheme"], row["code"]): row["description"] for row in csv.DictReader(fh)}


def digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isalnum())


def scheme_of(code: str) -> str:
    return "unspsc" if len(digits(code)) == 8 and digits(code).isdigit() else "nigp"


def describe(code: str) -> list[str]:
    """Descriptions of the code and of every broader group it belongs to."""
    plain = digits(code)
    scheme = scheme_of(code)
    lengths = (2, 4, 6, 8) if scheme == "unspsc" else (3, 5, len(plain))
    table = descriptions()
    found: list[str] = []
    for length in lengths:
        text = table.get((scheme, plain[:length])) if length <= len(plain) else None
        if text and text not in found:
            found.append(text)
    return found


def commodity_text(codes: Iterable[str]) -> str:
    return " ".join(text for code in codes for text in describe(code))


def prefixes(codes: Iterable[str]) -> list[str]:
    """Every prefix (of two characters or more) of every code, without separators."""
    found: set[str] = set()
    for code in codes:
        plain = digits(code)
        found.update(plain[:n] for n in range(2, len(plain) + 1))
    return sorted(found)
