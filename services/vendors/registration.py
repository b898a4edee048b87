"""Registering a vendor: the edge work around the pure decider.

Reads what the decider needs from outside the vendor stream (agencies' localities, the
exclusion list) and appends the tax id claim and the registration in one transaction,
so two registrations with one EIN cannot both succeed and a refused one holds nothing.
"""

from __future__ import annotations

import msgspec
from asyncpg import Pool

from infra.clock import Clock
from infra.executor import Executor, Outcome
from kernel.context import Actor
from kernel.errors import Conflict
from services.agencies.facts import agencies_facts
from services.vendors.commands import ExclusionHit, Locality, RegisterVendor
from services.vendors.deciders.tax_id import TAX_ID, ClaimTaxId
from services.vendors.deciders.vendor import VENDOR, Vendor, check_registration
from services.vendors.facts import matching_exclusions
from services.vendors.matching import tax_key


async def localities(pool: Pool, agency_ids: list[str] | None) -> dict[str, Locality]:
    """The named agencies that exist, with where their local businesses are."""
    wanted = list(dict.fromkeys(agency_ids or []))
    async with pool.acquire() as conn:
        agencies = await agencies_facts(conn, wanted)
    return {a: Locality(agency_id=a, state=agencies[a].state, zip_prefixes=agencies[a].local_zip_prefixes)
            for a in wanted if a in agencies}


async def register_vendor(executor: Executor, pool: Pool, clock: Clock, actor: Actor,
                          command: RegisterVendor,
                          command_id: str | None) -> Outcome[Vendor]:
    command = msgspec.structs.replace(command, localities=await localities(pool, command.local_agencies))
    check_registration(command)  # refuse bad input before anything is read or claimed
    hits = await matching_exclusions(pool, command.tax_id, command.legal_name, clock.now().date())
    command = msgspec.structs.replace(command, exclusion_hits=[
        ExclusionHit(exclusion_id=h.exclusion_id, reason=h.reason) for h in hits])
    claim_key = tax_key(command.tax_id) or ""
    async with pool.acquire() as conn, conn.transaction():
        claim, claim_version = await executor.load(TAX_ID, claim_key, conn=conn)
        holder_rejected = False
        if claim.holder is not None and claim.holder != command.vendor_id:
            holder, _ = await executor.load(VENDOR, claim.holder, conn=conn)
            holder_rejected = holder.status == "rejected"
        claim_command = ClaimTaxId(tax_id=command.tax_id, vendor_id=command.vendor_id,
                                   holder_rejected=holder_rejected)
        try:
            await executor.execute(TAX_ID, claim_key, claim_command, actor, expected_version=claim_version,
                                         conn=conn, command_id=f"{command_id}:taxid" if command_id else None)
        except Conflict as exc:
            if exc.code != "version_conflict":
                raise
            # a concurrent registration claimed this EIN first
            raise Conflict("another registration with this tax id is in progress", code="duplicate_tax_id",
                           details=[{"field": "tax_id", "message": "already registered"}]) from exc
        return await executor.execute(VENDOR, command.vendor_id, command, actor, command_id=command_id,
                                            conn=conn)
