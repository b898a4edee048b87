"""Diversity certification programs: data (``data/certification_programs.csv``), not code."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from kernel.errors import field_error

_DATA = Path(__file__).parent / "data" / "certification_programs.csv"


@cache
def programs() -> dict[str, str]:
    """Program code -> name."""
    with _DATA.open(newline="") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


def check_program(code: str, field: str = "program") -> str:
    if code not in programs():
        raise field_error(field, f"unknown program {code!r}; one of {', '.join(programs())}")
    return code
