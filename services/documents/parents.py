"""What a document's parent is and how the caller stands to it, read at the edge from
the parent context's facts (never its streams)."""

from __future__ import annotations

from asyncpg import Pool

from infra.executor import Executor
from kernel.context import Actor
from services.awards.facts import evaluator_cleared, protest_facts
from services.bids.facts import bid_of
from services.contracts.facts import contract_facts
from services.documents.commands import Parent, Standing
from services.payments.facts import invoice_facts
from services.solicitations.facts import solicitation_facts
from services.vendors.facts import vendor_standing, vendors_of


async def _acts_for(pool: Pool, actor: Actor | None, vendor_id: str | None) -> bool:
    """Whether the caller acts for ``vendor_id``: one of its users, or a token whose signed
    ``vendor`` claim names it."""
    if actor is None or actor.role != "vendor" or not vendor_id:
        return False
    if actor.vendor == vendor_id:
        return True
    async with pool.acquire() as conn:
        return vendor_id in await vendors_of(conn, actor)


async def parent_of(executor: Executor, pool: Pool, actor: Actor | None, parent_type: str,
                    parent_id: str) -> tuple[Parent, Standing] | None:
    """The parent and the caller's standing; None when there is no such parent."""
    match parent_type:
        case "solicitation":
            s = await solicitation_facts(pool, parent_id)
            if not s.exists:
                return None
            parts = (*(f"addendum:{n}" for n in range(1, s.latest_addendum + 1)),
                     *(f"question:{q}" for q in s.questions))
            return Parent(type="solicitation", id=parent_id, agency_id=s.agency_id, solicitation_id=parent_id,
                          status=s.status, public=s.published_at is not None, opened=s.opened_at is not None,
                          parts=parts), Standing()
        case "bid":
            b = await bid_of(pool, parent_id)
            if b is None:
                return None
            cleared = (actor is not None and actor.role == "evaluator" and actor.agency == b.agency_id
                       and b.opened and await evaluator_cleared(executor, b.solicitation_id, actor))
            parent = Parent(type="bid", id=parent_id, agency_id=b.agency_id, vendor_id=b.vendor_id,
                            solicitation_id=b.solicitation_id, status=b.status, opened=b.opened,
                            accepts_until=b.open_for_changes_until if b.solicitation_published else None)
            return parent, Standing(vendor_user=await _acts_for(pool, actor, b.vendor_id), cleared_evaluator=cleared)
        case "vendor":
            async with pool.acquire() as conn:
                v = await vendor_standing(conn, parent_id, executor.clock.now())
            if v is None:
                return None
            parent = Parent(type="vendor", id=parent_id, vendor_id=parent_id, status=v.status,
                            parts=tuple(f"certification:{c.cert_id}" for c in v.certifications))
            vendor_user = actor is not None and actor.role == "vendor" and (
                actor.sub in v.users or actor.vendor == parent_id)
            return parent, Standing(vendor_user=vendor_user)
        case "contract":
            c = await contract_facts(executor, parent_id)
            if c is None:
                return None
            parent = Parent(type="contract", id=parent_id, agency_id=c.agency_id, vendor_id=c.vendor_id,
                            solicitation_id=c.solicitation_id, status=c.status,
                            parts=tuple(f"amendment:{n}" for n in c.amendments))
        case "invoice":
            i = await invoice_facts(executor, parent_id)
            if i is None:
                return None
            parent = Parent(type="invoice", id=parent_id, agency_id=i.agency_id, vendor_id=i.vendor_id,
                            status=i.status)
        case "protest":
            p = await protest_facts(executor, pool, parent_id)
            if p is None:
                return None
            parent = Parent(type="protest", id=parent_id, agency_id=p.agency_id, vendor_id=p.vendor_id,
                            solicitation_id=p.solicitation_id, status=p.status)
        case _:
            return None
    return parent, Standing(vendor_user=await _acts_for(pool, actor, parent.vendor_id))
