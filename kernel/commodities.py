"""Commodity codes (UNSPSC and NIGP): their descriptions, their prefixes and their levels.

Descriptions come from ``data/commodity_codes.csv`` so that a search for "janitorial"
finds a solicitation coded 47131700 whose own text never says so. An eight-digit code is
UNSPSC (segment, family, class, commodity: 2/4/6/8 digits); any other is NIGP (class of
three digits, item after it, dashes ignored).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "commodity_codes.csv"


@cache
def descriptions() -> dict[tuple[str, str], str]:
    """(scheme, code prefix) -> description."""
    with _DATA.open(newline="") as fh:
        return {(row["scheme"], row["code"]): row["description"] for row in csv.DictReader(fh)}


@lru_cache(maxsize=65536)
def digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isalnum())


@lru_cache(maxsize=65536)
def scheme_of(code: str) -> str:
    return "unspsc" if len(digits(code)) == 8 and digits(code).isdigit() else "nigp"


def describe(code: str) -> list[str]:
    """Descriptions of the code and of every broader group it belongs to."""
    return list(_described(code))


@lru_cache(maxsize=65536)
def _described(code: str) -> tuple[str, ...]:
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
    return tuple(found)


def commodity_text(codes: Iterable[str]) -> str:
    return " ".join(text for code in codes for text in _described(code))


def prefixes(codes: Iterable[str]) -> list[str]:
    """Every prefix (of two characters or more) of every code, without separators."""
    found: set[str] = set()
    for code in codes:
        plain = digits(code)
        found.update(plain[:n] for n in range(2, len(plain) + 1))
    return sorted(found)


# -- how close two codes are ----------------------------------------------------------

#: how close two codes are: the same code, the same UNSPSC class (six digits), the same
#: family (UNSPSC family of four digits, NIGP class of three), or the same UNSPSC segment
EXACT, CLASS, FAMILY, SEGMENT, NONE = 1.0, 0.8, 0.5, 0.1, 0.0


@lru_cache(maxsize=65536)
def plain(code: str) -> str:
    return digits(code).upper()


@lru_cache(maxsize=65536)
def family(code: str) -> str:
    return f"u{plain(code)[:4]}" if scheme_of(code) == "unspsc" else f"n{plain(code)[:3]}"


@lru_cache(maxsize=65536)
def code_class(code: str) -> str | None:
    return f"u{plain(code)[:6]}" if scheme_of(code) == "unspsc" else None


@lru_cache(maxsize=65536)
def segment(code: str) -> str | None:
    return f"u{plain(code)[:2]}" if scheme_of(code) == "unspsc" else None


def keys(codes: Iterable[str]) -> set[str]:
    """Every level of every code, as index keys: ``c:<code>``, ``k:<class>``, ``f:<family>``,
    ``s:<segment>``."""
    found: set[str] = set()
    for code in codes:
        found.add(f"c:{plain(code)}")
        found.add(f"f:{family(code)}")
        if (klass := code_class(code)) is not None:
            found.add(f"k:{klass}")
        if (seg := segment(code)) is not None:
            found.add(f"s:{seg}")
    return found


def closeness(wanted: Iterable[str], offered: Iterable[str]) -> tuple[float, str]:
    """The best match between two lists of codes, and a reason a person can read."""
    return _closeness(tuple(wanted), tuple(offered))


@lru_cache(maxsize=65536)
def _closeness(wanted: tuple[str, ...], offered: tuple[str, ...]) -> tuple[float, str]:
    best, reason = NONE, ""
    for code in wanted:
        for other in offered:
            if plain(code) == plain(other):
                return EXACT, f"commodity code {code}"
            if code_class(code) is not None and code_class(code) == code_class(other) and best < CLASS:
                best, reason = CLASS, f"same class as {code} ({other})"
            elif family(code) == family(other) and best < FAMILY:
                best, reason = FAMILY, f"same family as {code} ({other})"
            elif segment(code) is not None and segment(code) == segment(other) and best < SEGMENT:
                best, reason = SEGMENT, f"same segment as {code} ({other})"
    return best, reason
