"""What other contexts may know of the OCDS feed: the record of one contracting process
(every release so far and the compiled release), as the public feed serves it."""

from __future__ import annotations

from typing import Any

from infra.db import Queryable
from projections.ocds.packages import record
from projections.ocds.process import ocid_for
from projections.ocds.queries import releases_of


async def process_record(conn: Queryable, ocid_prefix: str, solicitation_id: str) -> dict[str, Any]:
    """The OCDS record of the solicitation's process (no releases yet: an empty list)."""
    ocid = ocid_for(ocid_prefix, solicitation_id)
    return record(ocid, await releases_of(conn, ocid))
