"""Set-asides: which certification a reserved solicitation asks of its bidders."""

from __future__ import annotations

SMALL_BUSINESS = "small_business"
# The certification program a "small_business" set-aside asks for.
SMALL_BUSINESS_PROGRAM = "SBE"


def set_aside_program(set_aside: str | None) -> str | None:
    """The certification program a set-aside requires (``None``: open to all)."""
    if set_aside == SMALL_BUSINESS:
        return SMALL_BUSINESS_PROGRAM
    return set_aside
