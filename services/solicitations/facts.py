"""What other contexts may know of a solicitation: its deadlines, status, addenda and
criteria (what a bid is decided on), and its opening (what an evaluation starts from).

Read from ``solicitation_facts`` (``readmodel/facts.py``), an inline projection applied
in the transaction of every solicitation event, so these facts are as current as the
solicitation's own stream.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from events.base import Money
from events.solicitations import Criterion
from kernel.set_asides import set_aside_program


class SolicitationFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A solicitation as other contexts decide on it (``exists`` False: no such one)."""

    exists: bool = False
    solicitation_id: str = ""
    agency_id: str = ""
    solicitation_type: str = ""  # "RFI" | "RFQ" | "RFP" | "ITB"
    title: str = ""
    status: str = "draft"
    cancelled: bool = False
    # what a bid is checked against
    currency: str = "USD"
    set_aside: str | None = None
    submission_deadline: datetime | None = None
    opening_time: datetime | None = None
    latest_addendum: int = 0
    criterion_ids: tuple[str, ...] = ()
    criteria_needing_response: tuple[str, ...] = ()
    # what an evaluation starts from
    criteria: tuple[Criterion, ...] = ()
    allows_multiple_awards: bool = False
    opened_at: datetime | None = None
    bidders: tuple[str, ...] = ()  # vendor ids in the opening tabulation
    # as published (the splitting check)
    published_at: datetime | None = None
    commodity_codes: tuple[str, ...] = ()
    published_value: Money | None = None

    @property
    def set_aside_program(self) -> str | None:
        return set_aside_program(self.set_aside)


_decoder = msgspec.json.Decoder(SolicitationFacts)


async def solicitation_facts(conn: Any, solicitation_id: str) -> SolicitationFacts:
    """The solicitation's facts (``exists`` is False when there is no such solicitation)."""
    row = await conn.fetchval("SELECT facts FROM solicitation_facts WHERE solicitation_id = $1",
                              solicitation_id)
    return _decoder.decode(row) if row is not None else SolicitationFacts()


async def published_since(conn: Any, agency_id: str, since: datetime) -> list[SolicitationFacts]:
    """The agency's solicitations published at or after ``since``, in publication order."""
    rows = await conn.fetch(
        "SELECT facts FROM solicitation_facts WHERE agency_id = $1 AND published_at >= $2"
        " ORDER BY published_at, solicitation_id", agency_id, since)
    return [_decoder.decode(r["facts"]) for r in rows]
