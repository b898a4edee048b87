"""Which vendor a vendor-role caller acts for, read at the edge.

A token may carry a ``vendor`` claim, and a user may belong to vendors through the
vendors' read model (owner or invited colleague). Handlers resolve the vendor relevant to
the resource (the bidders of a solicitation, the vendor of a contract) and hand the
decider an ``Actor`` whose ``vendor`` is that one; deciders stay pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from kernel.context import Actor
from services.vendors.facts import vendors_of_user


async def vendors_of(conn: Any, actor: Actor) -> set[str]:
    """Every vendor the caller acts for (empty unless the role is vendor)."""
    if actor.role != "vendor":
        return set()
    found = set(await vendors_of_user(conn, actor.sub))
    if actor.vendor:
        found.add(actor.vendor)
    return found


async def acting_for(conn: Any, actor: Actor, candidates: Iterable[str]) -> Actor:
    """The caller as a user of the vendor among ``candidates`` they belong to (the first by
    id if several); unchanged when they belong to none or are not a vendor."""
    if actor.role != "vendor":
        return actor
    matching = sorted(await vendors_of(conn, actor) & set(candidates))
    return replace(actor, vendor=matching[0]) if matching else actor
