"""The ``ocds`` projection: every public change of a contracting process as a release."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from events.base import Event
from events.contracts import ContractOpened
from events.marketplace import PurchaseOrderPlaced
from events.payments import PaymentStarted
from infra.db import Connection
from projections.base import types_of
from projections.ocds import organisations
from projections.ocds.contracting import (
    AWARD_EVENTS,
    CONTRACT_EVENTS,
    award_change,
    contract_change,
)
from projections.ocds.implementation import PAYMENT_EVENTS, payment_change
from projections.ocds.orders import ORDER_EVENTS, order_change, order_placed
from projections.ocds.process import Change, Process, ocid_for
from projections.ocds.releases import build_release
from projections.ocds.tender import DOCUMENT_EVENTS, TENDER_EVENTS, document_change, tender_change
from projections.ocds.values import timestamp
from projections.ocds.workspace import Workspace

if TYPE_CHECKING:

    from infra.eventstore import RecordedEvent


class OcdsProjection:
    name = "ocds"
    tables: Sequence[str] = (
        "ocds_releases",
        "ocds_processes",
        "ocds_organisations",
        "ocds_references",
    )
    types: frozenset[str] | None = types_of(
        *organisations.ORGANISATION_EVENTS,
        *TENDER_EVENTS,
        *AWARD_EVENTS,
        *CONTRACT_EVENTS,
        *PAYMENT_EVENTS,
        *DOCUMENT_EVENTS,
        *ORDER_EVENTS,
    )

    def __init__(self, ocid_prefix: str, base_url: str = "http://127.0.0.1:8000") -> None:
        self.ocid_prefix = ocid_prefix
        self.base_url = base_url

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        work = Workspace(conn)
        for recorded in events:
            await self._apply(work, recorded)
        await work.flush()

    async def _apply(self, work: Workspace, recorded: RecordedEvent) -> None:
        event = recorded.event
        kind = type(event)
        data: dict[str, Any] = msgspec.to_builtins(event)
        if kind in organisations.ORGANISATION_EVENTS:
            org_id = organisations.org_id_of(data)
            await work.load_organisations([org_id])
            work.set_organisation(org_id, organisations.evolve(event, data, work.orgs.get(org_id)))
            return
        when = timestamp(recorded.metadata.occurred_at)
        if kind in DOCUMENT_EVENTS:
            await self._document(work, data, recorded, when)
            return
        if kind in ORDER_EVENTS:
            await self._order(work, event, data, recorded, when)
            return
        found = await self._ocid_of(work, event, data)
        if found is None:
            return
        ocid, payment = found
        process = await work.process(ocid)
        if process is None and kind in TENDER_EVENTS:
            process = work.add_process(Process(ocid=ocid, solicitation_id=data["solicitation_id"]))
        if process is None or (not process.published and kind not in TENDER_EVENTS):
            return  # nothing happens publicly in a process before it is published
        await work.load_organisations(
            [
                process.agency_id,
                data.get("agency_id", ""),
                data.get("vendor_id", ""),
                *(e["vendor_id"] for e in data.get("tabulation", [])),
                *(payment.get(k, "") for k in ("agency_id", "vendor_id")),
            ]
        )

        def refs(org_id: str) -> dict[str, Any]:
            return organisations.reference(org_id, work.orgs.get(org_id))

        change: Change | None
        if kind in TENDER_EVENTS:
            change = tender_change(event, data, process, when, refs)
        elif kind in AWARD_EVENTS:
            change = award_change(event, data, process, when, refs)
        elif kind in CONTRACT_EVENTS:
            change = contract_change(event, data, process, when, refs)
        else:
            change = payment_change(event, data, payment, process, when, refs, recorded.event_id)
        if change is not None:
            release = build_release(
                process, change, event_id=recorded.event_id, date=when, facts=work.orgs
            )
            position = (recorded.position.transaction_id, recorded.position.position)
            work.add_release(release, recorded.metadata.occurred_at, position)

    async def _document(self, work: Workspace, data: dict[str, Any], recorded: RecordedEvent,
                        when: str) -> None:
        """A solicitation's document: kept with the draft until publication, a tender
        update afterwards. Nothing else attached anywhere is public."""
        if data["parent_type"] != "solicitation" or data["sealed"] or data["scan"] == "infected":
            return
        process = await work.process(ocid_for(self.ocid_prefix, data["parent_id"]))
        if process is None:
            return
        change = document_change(data, process, when, self.base_url)
        if change is not None:
            release = build_release(process, change, event_id=recorded.event_id, date=when, facts=work.orgs)
            position = (recorded.position.transaction_id, recorded.position.position)
            work.add_release(release, recorded.metadata.occurred_at, position)

    async def _order(self, work: Workspace, event: Event, data: dict[str, Any], recorded: RecordedEvent,
                     when: str) -> None:
        """An order is its own process, a call-off of its contract's: published when the
        contract's process is."""
        ocid = ocid_for(self.ocid_prefix, data["order_id"])
        change: Change | None
        if isinstance(event, PurchaseOrderPlaced):
            framework = await work.reference(f"contract:{data['contract_id']}")
            parent = await work.process(framework[0]) if framework else None
            if framework is None or parent is None or not parent.published:
                return
            process = work.add_process(Process(ocid=ocid, solicitation_id=data["order_id"],
                                               agency_id=data["agency_id"], published=True))
            work.set_reference(f"order:{data['order_id']}", ocid)
            await work.load_organisations([data["agency_id"], data["vendor_id"]])
            title = str(parent.draft.get("title", "")) if isinstance(parent.draft, dict) else ""
            change = order_placed(data, process, framework[0], title,
                                  lambda org: organisations.reference(org, work.orgs.get(org)))
        else:
            found = await work.process(ocid)
            if found is None:
                return
            process = found
            change = order_change(event, data, process, when)
        if change is not None:
            release = build_release(process, change, event_id=recorded.event_id, date=when, facts=work.orgs)
            work.add_release(release, recorded.metadata.occurred_at,
                             (recorded.position.transaction_id, recorded.position.position))

    async def _ocid_of(
        self, work: Workspace, event: Event, data: dict[str, Any]
    ) -> tuple[str, dict[str, Any]] | None:
        """The process an event belongs to, and what is known of its payment."""
        if isinstance(event, PaymentStarted):
            # a payment of an invoice billing a published order is the order's spending
            order = await work.reference(f"order:{data['purchase_order_id']}") if data["purchase_order_id"] else None
            if order is not None:  # the order's process, whose one contract is the order
                facts = {"contract_id": data["purchase_order_id"], "agency_id": data["agency_id"],
                         "vendor_id": data["vendor_id"]}
                work.set_reference(f"payment:{data['payment_id']}", order[0], facts)
                return None
            contract = await work.reference(f"contract:{data['contract_id']}")
            if contract is not None:
                facts = {k: data[k] for k in ("contract_id", "agency_id", "vendor_id")}
                work.set_reference(f"payment:{data['payment_id']}", contract[0], facts)
            return None  # a payment is public once it succeeded
        if "solicitation_id" in data:
            ocid = ocid_for(self.ocid_prefix, data["solicitation_id"])
            if isinstance(event, ContractOpened):
                work.set_reference(f"contract:{data['contract_id']}", ocid)
            return ocid, {}
        if type(event) in CONTRACT_EVENTS:
            contract = await work.reference(f"contract:{data['contract_id']}")
            return (contract[0], {}) if contract else None
        return await work.reference(f"payment:{data['payment_id']}")
