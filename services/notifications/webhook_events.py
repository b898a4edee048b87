"""What a webhook subscriber receives for an event, and who may receive it.

An agency admin's subscription receives its agency's events; a vendor's receives public
events and its own. Payloads carry ids, states and times — never sealed bid content, a
protest's grounds or another vendor's invoices and payments.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from events.awards import AwardFinalized, IntentToAwardPublished, ProtestDecided, ProtestFiled
from events.bids import BidReplaced, BidSubmitted
from events.contracts import ContractExpiryNoticed, ContractOpened
from events.invoices import InvoiceAccepted, InvoiceApproved, InvoiceDisputed, InvoiceSubmitted
from events.payments import PaymentFailed, PaymentRefunded, PaymentSucceeded
from events.solicitations import (
    AddendumPublished,
    QuestionAnswered,
    SolicitationCancelled,
    SolicitationOpened,
    SolicitationPublished,
)


@dataclass(frozen=True)
class HookEvent:
    kind: str
    body: dict[str, Any]
    agency: str | None
    #: the agency's admins may receive it
    agency_may_read: bool
    #: every vendor may receive it
    public: bool
    #: vendors it concerns (they receive it even when it is not public)
    vendors: tuple[str, ...] = ()


def _money(m: Any) -> dict[str, Any] | None:
    return {"amount": m.amount, "currency": m.currency} if m is not None else None


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


async def _agency_of_solicitation(conn: Any, solicitation_id: str) -> str | None:
    return await conn.fetchval("SELECT agency_id FROM notify_solicitations WHERE solicitation_id = $1",
                               solicitation_id)


async def _party(conn: Any, table: str, key: str, value: str) -> tuple[str | None, str | None]:
    row = await conn.fetchrow(f"SELECT agency_id, vendor_id FROM {table} WHERE {key} = $1", value)
    return (row["agency_id"], row["vendor_id"]) if row else (None, None)


async def webhook_event(conn: Any, recorded: Any) -> HookEvent | None:
    event = recorded.event
    base = {"id": recorded.event_id, "created": _iso(recorded.metadata.occurred_at)}

    def hook(kind: str, data: dict[str, Any], agency: str | None, *, public: bool,
             agency_may_read: bool = True, vendors: tuple[str, ...] = ()) -> HookEvent:
        return HookEvent(kind=kind, body={**base, "type": kind, "data": data}, agency=agency,
                         agency_may_read=agency_may_read, public=public, vendors=vendors)

    match event:
        case SolicitationPublished():
            return hook("solicitation.published", {
                "solicitation_id": event.solicitation_id, "agency_id": event.agency_id, "title": event.title,
                "solicitation_type": event.solicitation_type, "commodity_codes": list(event.commodity_codes),
                "submission_deadline": _iso(event.submission_deadline)}, event.agency_id, public=True)
        case AddendumPublished():
            return hook("solicitation.addendum", {
                "solicitation_id": event.solicitation_id, "number": event.number, "summary": event.summary,
                "submission_deadline": _iso(event.submission_deadline)},
                await _agency_of_solicitation(conn, event.solicitation_id), public=True)
        case QuestionAnswered():
            return hook("solicitation.answer", {
                "solicitation_id": event.solicitation_id, "question_id": event.question_id,
                "question": event.question, "answer": event.answer},
                await _agency_of_solicitation(conn, event.solicitation_id), public=True)
        case SolicitationCancelled():
            return hook("solicitation.cancelled", {"solicitation_id": event.solicitation_id,
                                                   "reason": event.reason},
                        await _agency_of_solicitation(conn, event.solicitation_id), public=True)
        case SolicitationOpened():
            return hook("solicitation.opened", {"solicitation_id": event.solicitation_id,
                                                "opened_at": _iso(event.opened_at)},
                        await _agency_of_solicitation(conn, event.solicitation_id), public=True)
        case BidSubmitted() | BidReplaced():
            # The vendor's own receipt: who bid is not the agency's to know before the opening.
            return hook("bid.received", {
                "bid_id": event.bid_id, "solicitation_id": event.solicitation_id, "vendor_id": event.vendor_id,
                "received_at": _iso(event.received_at),
                "sha256": hashlib.sha256(event.sealed.encode()).hexdigest()},
                None, public=False, agency_may_read=False, vendors=(event.vendor_id,))
        case IntentToAwardPublished():
            return hook("award.intent", {
                "award_id": event.award_id, "solicitation_id": event.solicitation_id,
                "vendor_id": event.vendor_id, "value": _money(event.value),
                "protest_window_ends": _iso(event.protest_window_ends)},
                await _agency_of_solicitation(conn, event.solicitation_id), public=True)
        case ProtestFiled():
            return hook("award.protest_filed", {
                "protest_id": event.protest_id, "award_id": event.award_id,
                "solicitation_id": event.solicitation_id, "filed_at": _iso(event.filed_at)},
                await _agency_of_solicitation(conn, event.solicitation_id), public=False,
                vendors=(event.vendor_id,))
        case ProtestDecided():
            return hook("award.protest_decided", {
                "protest_id": event.protest_id, "award_id": event.award_id,
                "solicitation_id": event.solicitation_id, "outcome": event.outcome,
                "decided_at": _iso(event.decided_at)},
                await _agency_of_solicitation(conn, event.solicitation_id), public=True)
        case AwardFinalized():
            return hook("award.finalized", {
                "award_id": event.award_id, "solicitation_id": event.solicitation_id,
                "vendor_id": event.vendor_id, "value": _money(event.value),
                "finalized_at": _iso(event.finalized_at)}, event.agency_id, public=True)
        case ContractOpened():
            return hook("contract.opened", {
                "contract_id": event.contract_id, "award_id": event.award_id, "vendor_id": event.vendor_id,
                "value": _money(event.value), "start_date": event.start_date.isoformat(),
                "end_date": event.end_date.isoformat()}, event.agency_id, public=False,
                vendors=(event.vendor_id,))
        case ContractExpiryNoticed():
            agency, vendor = await _party(conn, "notify_contracts", "contract_id", event.contract_id)
            return hook("contract.expiring", {
                "contract_id": event.contract_id, "days_before": event.days_before,
                "end_date": event.end_date.isoformat() if event.end_date else None},
                agency, public=False, vendors=(vendor,) if vendor else ())
        case InvoiceSubmitted():
            return hook("invoice.submitted", {
                "invoice_id": event.invoice_id, "contract_id": event.contract_id, "vendor_id": event.vendor_id,
                "number": event.number, "total": _money(event.total), "received_at": _iso(event.received_at)},
                event.agency_id, public=False, vendors=(event.vendor_id,))
        case InvoiceAccepted() | InvoiceDisputed() | InvoiceApproved():
            agency, vendor = await _party(conn, "notify_invoices", "invoice_id", event.invoice_id)
            data: dict[str, Any] = {"invoice_id": event.invoice_id}
            match event:
                case InvoiceAccepted():
                    kind = "invoice.accepted"
                    data.update(due_date=event.due_date.isoformat(), deemed=event.deemed)
                case InvoiceDisputed():
                    kind = "invoice.disputed"
                    data.update(reason=event.reason)
                case InvoiceApproved():
                    kind = "invoice.approved"
                    data.update(payment_id=event.payment_id, amount=_money(event.amount))
            return hook(kind, data, agency, public=False, vendors=(vendor,) if vendor else ())
        case PaymentSucceeded() | PaymentFailed() | PaymentRefunded():
            agency, vendor = await _party(conn, "notify_payments", "payment_id", event.payment_id)
            data = {"payment_id": event.payment_id}
            match event:
                case PaymentSucceeded():
                    kind = "payment.succeeded"
                    data.update(amount=_money(event.amount), paid_at=_iso(event.paid_at))
                case PaymentFailed():
                    kind = "payment.failed"
                    data.update(reason=event.reason)
                case PaymentRefunded():
                    kind = "payment.refunded"
                    data.update(amount=_money(event.amount))
            return hook(kind, data, agency, public=False, vendors=(vendor,) if vendor else ())
    return None
