"""What a document's parent is and how the caller stands to it, read at the edge from
the parent context's facts (never its streams)."""

from __future__ import annotations

from infra.db import Queryable
from infra.executor import Executor
from kernel.context import Actor
from services.awards.facts import evaluator_cleared, protest_facts
from services.bids.facts import bid_facts
from services.contracts.facts import contract_facts
from services.documents.commands import Parent, Standing
from services.payments.facts import invoice_facts
from services.solicitations.facts import solicitation_facts
from services.vendors.facts import acts_for, vendor_facts


async def parent_of(executor: Executor, pool: Queryable, actor: Actor | None, parent_type: str,
                    parent_id: str) -> tuple[Parent, Standing] | None:
    """The parent and the caller's standing; None when there is no such parent."""
    match parent_type:
        case "solicitation":
            s = await solicitation_facts(executor, parent_id)
            if s is None:
                return None
            return Parent(type="solicitation", id=parent_id, agency_id=s.agency_id, solicitation_id=parent_id,
                          status=s.status, public=s.public, opened=s.opened_at is not None), Standing()
        case "bid":
            b = await bid_facts(executor, parent_id)
            if b is None:
                return None
            cleared = (actor is not None and actor.role == "evaluator" and actor.agency == b.agency_id
                       and b.opened and await evaluator_cleared(executor, b.solicitation_id, actor))
            parent = Parent(type="bid", id=parent_id, agency_id=b.agency_id, vendor_id=b.vendor_id,
                            solicitation_id=b.solicitation_id, status=b.status, opened=b.opened,
                            accepts_until=b.open_for_changes_until if b.solicitation_published else None)
            return parent, Standing(vendor_user=await acts_for(executor, actor, b.vendor_id), cleared_evaluator=cleared)
        case "vendor":
            v = await vendor_facts(executor, parent_id)
            if v is None:
                return None
            return (Parent(type="vendor", id=parent_id, vendor_id=parent_id, status=v.status),
                    Standing(vendor_user=v.acts_for(actor)))
        case "contract":
            c = await contract_facts(executor, parent_id)
            if c is None:
                return None
            parent = Parent(type="contract", id=parent_id, agency_id=c.agency_id, vendor_id=c.vendor_id,
                            solicitation_id=c.solicitation_id, status=c.status)
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
    return parent, Standing(vendor_user=await acts_for(executor, actor, parent.vendor_id))
