"""What other contexts may know of agencies: where they are and where their local
businesses are (``readmodel.py``, current with every agency event)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from services.agencies.decider import us_state_of


class AgencyFacts(msgspec.Struct, frozen=True, kw_only=True):
    agency_id: str
    jurisdiction: str
    #: IANA zone of the agency's local time
    time_zone: str = "UTC"
    #: ZIP codes or prefixes of the jurisdiction (empty: the whole state)
    local_zip_prefixes: tuple[str, ...] = ()

    @property
    def state(self) -> str | None:
        """The USPS state of a ``US-<state>[-<place>]`` jurisdiction, else ``None``."""
        return us_state_of(self.jurisdiction)


async def agencies_facts(conn: Any, agency_ids: Iterable[str]) -> dict[str, AgencyFacts]:
    """The named agencies that are registered, by id."""
    rows = await conn.fetch("SELECT * FROM agency_facts WHERE agency_id = ANY($1::text[])", list(agency_ids))
    return {r["agency_id"]: AgencyFacts(agency_id=r["agency_id"], jurisdiction=r["jurisdiction"],
                                        time_zone=r["time_zone"], local_zip_prefixes=tuple(r["local_zip_prefixes"])) for r in rows}


async def agency_facts(conn: Any, agency_id: str) -> AgencyFacts | None:
    """The agency's facts, or ``None`` when it is not registered."""
    return (await agencies_facts(conn, [agency_id])).get(agency_id)
