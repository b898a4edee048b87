"""Who may see which invoices and payments (read side; deciders guard the commands)."""

from __future__ import annotations

from typing import Any

from asyncpg import Pool

from kernel.context import Actor
from services.payments.facts import agency_scope


async def vendors_of(pool: Pool, actor: Actor) -> tuple[str, ...]:
    """The vendors a vendor-role caller acts for: the token's claim and its memberships."""
    if actor.role != "vendor":
        return ()
    found = {actor.vendor} if actor.vendor else set()
    try:
        from services.vendors.facts import vendors_of_user
    except ImportError:  # vendor onboarding not installed: the token's claim alone
        return tuple(sorted(found))
    async with pool.acquire() as conn:
        found.update(await vendors_of_user(conn, actor.sub))
    return tuple(sorted(v for v in found if v))


async def can_see(pool: Pool, actor: Actor, record: Any) -> bool:
    """A vendor sees its own; agency staff see their agency's; admins and auditors see all."""
    if actor.role == "vendor":
        return record.vendor_id in await vendors_of(pool, actor)
    scope = agency_scope(actor)
    return scope is None or scope == record.agency_id
