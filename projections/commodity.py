"""Commodity categories: how reports group commodity codes."""

from __future__ import annotations


def category_of(codes: list[str] | tuple[str, ...]) -> str:
    """The commodity category: the first two digits of the first code ('' without codes)."""
    for code in codes:
        digits = "".join(ch for ch in code if ch.isdigit())
        if len(digits) >= 2:
            return digits[:2]
    return ""


def categories_of(codes: list[str] | tuple[str, ...]) -> list[str]:
    """Every category the codes name (a vendor registered for several), sorted."""
    return sorted({digits[:2] for digits in ("".join(ch for ch in c if ch.isdigit()) for c in codes)
                   if len(digits) >= 2})
