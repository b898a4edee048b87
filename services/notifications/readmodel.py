"""Deciding notices: one projection reads the events of every context that notifies
someone, keeps the audiences it needs (vendors and their users, followers, bidders,
buyers, finance staff, subscriptions) and writes the email and webhook outbox rows in
the transaction that moves its checkpoint.

Outbox ids derive from event ids, so a redelivery or a rebuild adds nothing; the outbox
itself is never truncated (a rebuild must not send anything again). Reminders are
outbox rows due later (``deliver_after``), cancelled here when what they remind of is
done (a bid submitted, a registration renewed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec

from events.agencies import AgencyRegistered
from events.awards import AwardFinalized, IntentToAwardPublished, ProtestDecided, ProtestFiled
from events.bids import BidReplaced, BidSubmitted, BidWithdrawn
from events.contracts import (
    ContractExpiryNoticed,
    ContractOpened,
    DeliverableOverdue,
    OptionDeadlineReminded,
)
from events.invoices import InvoiceAccepted, InvoiceApproved, InvoiceDisputed, InvoiceSubmitted
from events.notifications import (
    NotificationPreferencesSet,
    NotificationUnsubscribed,
    WebhookDeleted,
    WebhookDisabled,
    WebhookSubscribed,
)
from events.payments import PaymentFailed, PaymentRefunded, PaymentStarted, PaymentSucceeded
from events.solicitations import (
    AddendumPublished,
    CommodityFollowed,
    CommodityUnfollowed,
    QuestionAnswered,
    QuestionAsked,
    SolicitationCancelled,
    SolicitationCreated,
    SolicitationOpened,
    SolicitationPublished,
    SolicitationUpdated,
)
from events.vendors import (
    CertificationAdded,
    CertificationExpired,
    CertificationRejected,
    UserInvited,
    VendorApproved,
    VendorProfileUpdated,
    VendorRegistered,
    VendorRegistrationExpired,
    VendorRenewed,
)
from projections.base import types_of
from services.notifications.webhook_events import webhook_event
from services.solicitations.facts import business_days_before

OUTBOX_PROJECTION = "notifications.outbox"

REGISTRATION_REMINDER_DAYS = (60, 30, 15)
CERTIFICATION_REMINDER_DAYS = 30
DEADLINE_REMINDER_BUSINESS_DAYS = 3
INVOICE_DUE_REMINDER_DAYS = 5


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _iso(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def _money(amount: Any) -> str:
    return f"{amount.amount / 100:,.2f} {amount.currency}" if amount is not None else ""


# Each vendor notice goes to every user of the vendor (its owner and invited users).
_TO_VENDORS = """
INSERT INTO notify_outbox (notice_id, kind, recipient, legal, vars, deliver_after, next_attempt_at, cancel_key)
SELECT $1 || ':' || u.sub, $2, u.sub, u.vendor_id = ANY($6::text[]),
       $3::jsonb || jsonb_build_object('vendor', coalesce(v.legal_name, u.vendor_id)),
       $4, $4, CASE WHEN $7::text IS NULL THEN NULL ELSE $7 || ':' || u.vendor_id END
FROM notify_vendor_users u LEFT JOIN notify_vendors v ON v.vendor_id = u.vendor_id
WHERE u.vendor_id = ANY($5::text[])
ON CONFLICT (notice_id) DO NOTHING
"""

_TO_SUBS = """
INSERT INTO notify_outbox (notice_id, kind, recipient, legal, vars, deliver_after, next_attempt_at, cancel_key)
SELECT $1 || ':' || s, $2, s, $6, $3::jsonb, $4, $4, $7 FROM unnest($5::text[]) AS s
ON CONFLICT (notice_id) DO NOTHING
"""

_OPPORTUNITY = """
INSERT INTO notify_outbox (notice_id, kind, recipient, legal, vars, deliver_after, next_attempt_at)
SELECT $1 || ':' || u.sub, 'opportunity', u.sub, false,
       $2::jsonb || jsonb_build_object('codes', array_to_string(f.codes, ', ')), $3, $3
FROM (SELECT vendor_id, array_agg(commodity_code ORDER BY commodity_code) AS codes
      FROM notify_follows WHERE commodity_code = ANY($4::text[]) GROUP BY vendor_id) f
JOIN notify_vendor_users u ON u.vendor_id = f.vendor_id
ON CONFLICT (notice_id) DO NOTHING
"""

_DEADLINE_REMINDERS = """
INSERT INTO notify_outbox (notice_id, kind, recipient, legal, vars, deliver_after, next_attempt_at, cancel_key)
SELECT $1 || ':' || u.sub, 'deadline_reminder', u.sub, false, $2::jsonb, $3, $3,
       'deadline:' || $5 || ':' || u.vendor_id
FROM (SELECT DISTINCT vendor_id FROM notify_follows WHERE commodity_code = ANY($4::text[])) f
JOIN notify_vendor_users u ON u.vendor_id = f.vendor_id
ON CONFLICT (notice_id) DO NOTHING
"""

_CANCEL = "UPDATE notify_outbox SET status = 'cancelled' WHERE cancel_key = $1 AND status IN ('pending', 'held')"
_CANCEL_PREFIX = ("UPDATE notify_outbox SET status = 'cancelled'"
                  " WHERE cancel_key LIKE $1 || '%' AND status IN ('pending', 'held')")

_WEBHOOK_FANOUT = """
INSERT INTO notify_deliveries (delivery_id, subscription_id, stream_id, event_id, kind, occurred_at, body,
                               next_attempt_at)
SELECT $1 || ':' || w.subscription_id, w.subscription_id, $2, $1, $3, $4,
       $5::jsonb || jsonb_build_object('subscription_id', w.subscription_id), $4
FROM notify_webhooks w
WHERE w.status = 'active' AND $3 = ANY(w.kinds)
  AND ((w.role = 'admin' AND $7::bool AND (w.agency IS NULL OR w.agency = $6))
       OR (w.role = 'vendor' AND ($8::bool OR w.vendor = ANY($9::text[]))))
ON CONFLICT (delivery_id) DO NOTHING
"""


class OutboxProjection:
    name = OUTBOX_PROJECTION
    tables: Sequence[str] = (
        "notify_vendors", "notify_vendor_users", "notify_agencies", "notify_follows",
        "notify_solicitations", "notify_interest", "notify_contracts", "notify_invoices",
        "notify_payments", "notify_preferences", "notify_webhooks")
    types: frozenset[str] | None = types_of(
        AgencyRegistered, VendorRegistered, VendorProfileUpdated, UserInvited, VendorApproved,
        VendorRenewed, VendorRegistrationExpired, CertificationAdded, CertificationExpired,
        CertificationRejected, CommodityFollowed, CommodityUnfollowed, SolicitationCreated,
        SolicitationUpdated, SolicitationPublished, AddendumPublished, QuestionAsked,
        QuestionAnswered, SolicitationCancelled, SolicitationOpened, BidSubmitted, BidReplaced,
        BidWithdrawn, IntentToAwardPublished, ProtestFiled, ProtestDecided, AwardFinalized,
        ContractOpened, ContractExpiryNoticed, OptionDeadlineReminded, DeliverableOverdue, InvoiceSubmitted, InvoiceAccepted, InvoiceDisputed,
        InvoiceApproved, PaymentStarted, PaymentSucceeded, PaymentFailed, PaymentRefunded,
        NotificationPreferencesSet, NotificationUnsubscribed, WebhookSubscribed, WebhookDeleted,
        WebhookDisabled)

    async def apply(self, conn: Any, events: Sequence[Any]) -> None:
        for recorded in events:
            await self._audience(conn, recorded)
            await self._notices(conn, recorded)
            hook = await webhook_event(conn, recorded)
            if hook is not None:
                await conn.execute(_WEBHOOK_FANOUT, recorded.event_id, recorded.stream_id, hook.kind,
                                   recorded.metadata.occurred_at, _json(hook.body), hook.agency,
                                   hook.agency_may_read, hook.public, list(hook.vendors))

    # -- who is who ------------------------------------------------------------------

    async def _audience(self, conn: Any, recorded: Any) -> None:
        event, meta = recorded.event, recorded.metadata
        match event:
            case AgencyRegistered():
                await conn.execute(
                    "INSERT INTO notify_agencies (agency_id, name) VALUES ($1, $2)"
                    " ON CONFLICT (agency_id) DO UPDATE SET name = excluded.name", event.agency_id, event.name)
            case VendorRegistered():
                await conn.execute(
                    "INSERT INTO notify_vendors (vendor_id, legal_name, owner, contact_email)"
                    " VALUES ($1, $2, $3, $4) ON CONFLICT (vendor_id) DO NOTHING",
                    event.vendor_id, event.dba or event.legal_name, event.owner,
                    event.contacts[0].email if event.contacts else None)
                await conn.execute("INSERT INTO notify_vendor_users (vendor_id, sub) VALUES ($1, $2)"
                                   " ON CONFLICT DO NOTHING", event.vendor_id, event.owner)
            case VendorProfileUpdated():
                await conn.execute(
                    "UPDATE notify_vendors SET legal_name = coalesce($2, legal_name),"
                    " contact_email = coalesce($3, contact_email) WHERE vendor_id = $1",
                    event.vendor_id, event.dba or event.legal_name,
                    event.contacts[0].email if event.contacts else None)
            case UserInvited():
                await conn.execute("INSERT INTO notify_vendor_users (vendor_id, sub) VALUES ($1, $2)"
                                   " ON CONFLICT DO NOTHING", event.vendor_id, event.user)
            case CommodityFollowed():
                await conn.execute("INSERT INTO notify_follows (vendor_id, commodity_code) VALUES ($1, $2)"
                                   " ON CONFLICT DO NOTHING", event.vendor_id, event.commodity_code)
            case CommodityUnfollowed():
                await conn.execute("DELETE FROM notify_follows WHERE vendor_id = $1 AND commodity_code = $2",
                                   event.vendor_id, event.commodity_code)
            case SolicitationCreated():
                await conn.execute(
                    "INSERT INTO notify_solicitations (solicitation_id, agency_id, title, jurisdiction, buyer,"
                    " commodity_codes, submission_deadline) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                    " ON CONFLICT (solicitation_id) DO NOTHING",
                    event.solicitation_id, event.agency_id, event.title, event.jurisdiction,
                    event.created_by or meta.actor or "", list(event.commodity_codes), event.submission_deadline)
            case SolicitationUpdated():
                await conn.execute(
                    "UPDATE notify_solicitations SET title = $2, commodity_codes = $3, submission_deadline = $4"
                    " WHERE solicitation_id = $1", event.solicitation_id, event.title,
                    list(event.commodity_codes), event.submission_deadline)
            case QuestionAsked():
                await conn.execute(
                    "INSERT INTO notify_interest (solicitation_id, vendor_id, how)"
                    " SELECT $1, vendor_id, 'asked' FROM notify_vendor_users WHERE sub = $2 ON CONFLICT DO NOTHING",
                    event.solicitation_id, event.asked_by)
            case BidSubmitted() | BidReplaced():
                await conn.execute("INSERT INTO notify_interest (solicitation_id, vendor_id, how)"
                                   " VALUES ($1, $2, 'bid') ON CONFLICT DO NOTHING",
                                   event.solicitation_id, event.vendor_id)
            case BidWithdrawn():
                await conn.execute("DELETE FROM notify_interest WHERE solicitation_id = $1 AND vendor_id = $2"
                                   " AND how = 'bid'", event.solicitation_id, event.vendor_id)
            case ContractOpened():
                await conn.execute(
                    "INSERT INTO notify_contracts (contract_id, agency_id, vendor_id, buyer)"
                    " SELECT $1, $2, $3, coalesce((SELECT buyer FROM notify_solicitations"
                    " WHERE solicitation_id = $4), '') ON CONFLICT (contract_id) DO NOTHING",
                    event.contract_id, event.agency_id, event.vendor_id, event.solicitation_id)
            case InvoiceSubmitted():
                await conn.execute("INSERT INTO notify_invoices (invoice_id, agency_id, vendor_id, number)"
                                   " VALUES ($1, $2, $3, $4) ON CONFLICT (invoice_id) DO NOTHING",
                                   event.invoice_id, event.agency_id, event.vendor_id, event.number)
            case PaymentStarted():
                await conn.execute("INSERT INTO notify_payments (payment_id, invoice_id, agency_id, vendor_id)"
                                   " VALUES ($1, $2, $3, $4) ON CONFLICT (payment_id) DO NOTHING",
                                   event.payment_id, event.invoice_id, event.agency_id, event.vendor_id)
            case NotificationPreferencesSet():
                await conn.execute(
                    "INSERT INTO notify_preferences (sub, role, agency, vendor, email, language, modes)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (sub) DO UPDATE SET"
                    " role = excluded.role, agency = excluded.agency, vendor = excluded.vendor,"
                    " email = excluded.email, language = excluded.language, modes = excluded.modes",
                    event.sub, event.role, event.agency, event.vendor, event.email, event.language,
                    _json(event.modes))
            case NotificationUnsubscribed():
                await conn.execute(
                    "INSERT INTO notify_preferences (sub, role, modes) VALUES ($1, '', $2::jsonb)"
                    " ON CONFLICT (sub) DO UPDATE SET modes = notify_preferences.modes || excluded.modes",
                    event.sub, _json({event.kind: "off"}))
            case WebhookSubscribed():
                await conn.execute(
                    "INSERT INTO notify_webhooks (subscription_id, owner, role, agency, vendor, url, kinds,"
                    " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                    event.subscription_id, event.owner, event.role, event.agency, event.vendor, event.url,
                    list(event.kinds), event.subscribed_at)
            case WebhookDeleted():
                await conn.execute("UPDATE notify_webhooks SET status = 'deleted' WHERE subscription_id = $1",
                                   event.subscription_id)
            case WebhookDisabled():
                await conn.execute("UPDATE notify_webhooks SET status = 'disabled' WHERE subscription_id = $1",
                                   event.subscription_id)

    # -- what to tell them -------------------------------------------------------------

    async def _solicitation(self, conn: Any, solicitation_id: str) -> dict[str, Any]:
        row = await conn.fetchrow(
            "SELECT s.agency_id, s.title, s.jurisdiction, s.buyer, s.commodity_codes, s.submission_deadline,"
            " coalesce(a.name, s.agency_id) AS agency FROM notify_solicitations s"
            " LEFT JOIN notify_agencies a ON a.agency_id = s.agency_id WHERE s.solicitation_id = $1",
            solicitation_id)
        if row is None:
            return {"solicitation_id": solicitation_id, "agency": "", "title": solicitation_id,
                    "path": f"/solicitations/{solicitation_id}", "_codes": [], "_jurisdiction": "",
                    "_buyer": ""}
        return {"solicitation_id": solicitation_id, "agency": row["agency"], "title": row["title"],
                "deadline": _iso(row["submission_deadline"]), "path": f"/solicitations/{solicitation_id}",
                "_codes": list(row["commodity_codes"]), "_jurisdiction": row["jurisdiction"],
                "_buyer": row["buyer"]}

    async def _interested(self, conn: Any, solicitation_id: str, codes: Sequence[str]) -> tuple[list[str], list[str]]:
        """(everyone with a stake, those that bid): bidders, askers and followers of its codes."""
        rows = await conn.fetch(
            "SELECT vendor_id, bool_or(how = 'bid') AS bid FROM ("
            " SELECT vendor_id, how FROM notify_interest WHERE solicitation_id = $1"
            " UNION ALL SELECT vendor_id, 'followed' FROM notify_follows WHERE commodity_code = ANY($2::text[])"
            ") x GROUP BY vendor_id", solicitation_id, list(codes))
        return [r["vendor_id"] for r in rows], [r["vendor_id"] for r in rows if r["bid"]]

    async def _bidders(self, conn: Any, solicitation_id: str) -> list[str]:
        return [r["vendor_id"] for r in await conn.fetch(
            "SELECT vendor_id FROM notify_interest WHERE solicitation_id = $1 AND how = 'bid'", solicitation_id)]

    async def _vendor_name(self, conn: Any, vendor_id: str) -> str:
        return await conn.fetchval("SELECT legal_name FROM notify_vendors WHERE vendor_id = $1",
                                   vendor_id) or vendor_id

    async def _agency_name(self, conn: Any, agency_id: str) -> str:
        return await conn.fetchval("SELECT name FROM notify_agencies WHERE agency_id = $1", agency_id) or agency_id

    async def _to_vendors(self, conn: Any, notice_id: str, kind: str, values: dict[str, Any], at: datetime,
                          vendors: Sequence[str], legal: Sequence[str] = (), cancel_key: str | None = None) -> None:
        public = {k: v for k, v in values.items() if not k.startswith("_")}
        await conn.execute(_TO_VENDORS, notice_id, kind, _json(public), at, list(vendors), list(legal),
                           cancel_key)

    async def _to_subs(self, conn: Any, notice_id: str, kind: str, values: dict[str, Any], at: datetime,
                       subs: Sequence[str], legal: bool = False, cancel_key: str | None = None) -> None:
        public = {k: v for k, v in values.items() if not k.startswith("_")}
        await conn.execute(_TO_SUBS, notice_id, kind, _json(public), at, [s for s in subs if s], legal,
                           cancel_key)

    async def _finance_of(self, conn: Any, agency_id: str) -> list[str]:
        return [r["sub"] for r in await conn.fetch(
            "SELECT sub FROM notify_preferences WHERE agency = $1 AND role = 'finance'", agency_id)]

    async def _notices(self, conn: Any, recorded: Any) -> None:
        event, at, eid = recorded.event, recorded.metadata.occurred_at, recorded.event_id
        match event:
            case SolicitationPublished():
                await conn.execute(
                    "INSERT INTO notify_solicitations (solicitation_id, agency_id, title, commodity_codes,"
                    " submission_deadline) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (solicitation_id) DO UPDATE"
                    " SET title = coalesce(nullif(excluded.title, ''), notify_solicitations.title),"
                    " commodity_codes = excluded.commodity_codes, submission_deadline = excluded.submission_deadline",
                    event.solicitation_id, event.agency_id, event.title, list(event.commodity_codes),
                    event.submission_deadline)
                values = await self._solicitation(conn, event.solicitation_id)
                values["solicitation_type"] = event.solicitation_type
                public = _json({k: v for k, v in values.items() if not k.startswith("_")})
                await conn.execute(_OPPORTUNITY, eid, public, at, list(event.commodity_codes))
                remind_at = business_days_before(event.submission_deadline, DEADLINE_REMINDER_BUSINESS_DAYS,
                                                 values["_jurisdiction"])
                if remind_at > at:
                    await conn.execute(_DEADLINE_REMINDERS, f"{eid}:reminder", public, remind_at,
                                       list(event.commodity_codes), event.solicitation_id)
            case AddendumPublished():
                await conn.execute("UPDATE notify_solicitations SET submission_deadline = $2 WHERE solicitation_id = $1",
                                   event.solicitation_id, event.submission_deadline)
                values = await self._solicitation(conn, event.solicitation_id)
                values.update(addendum_number=event.number, summary=event.summary)
                everyone, bidders = await self._interested(conn, event.solicitation_id, values["_codes"])
                await self._to_vendors(conn, eid, "addendum", values, at, everyone, bidders)
                remind_at = business_days_before(event.submission_deadline, DEADLINE_REMINDER_BUSINESS_DAYS,
                                                 values["_jurisdiction"])
                await conn.execute(
                    "UPDATE notify_outbox SET deliver_after = $2, next_attempt_at = $2,"
                    " vars = vars || jsonb_build_object('deadline', $3::text)"
                    " WHERE cancel_key LIKE $1 || '%' AND status = 'pending'",
                    f"deadline:{event.solicitation_id}:", remind_at, values["deadline"])
            case QuestionAnswered():
                values = await self._solicitation(conn, event.solicitation_id)
                values.update(question=event.question, answer=event.answer)
                everyone, _ = await self._interested(conn, event.solicitation_id, values["_codes"])
                await self._to_vendors(conn, eid, "answer", values, at, everyone)
            case SolicitationCancelled():
                values = await self._solicitation(conn, event.solicitation_id)
                everyone, bidders = await self._interested(conn, event.solicitation_id, values["_codes"])
                await self._to_vendors(conn, eid, "cancelled", values, at, everyone, bidders)
                await conn.execute(_CANCEL_PREFIX, f"deadline:{event.solicitation_id}:")
            case BidSubmitted() | BidReplaced():
                values = await self._solicitation(conn, event.solicitation_id)
                values.update(bid_id=event.bid_id, received_at=_iso(event.received_at),
                              sha256=hashlib.sha256(event.sealed.encode()).hexdigest())
                await self._to_vendors(conn, eid, "bid_receipt", values, at, [event.vendor_id], [event.vendor_id])
                await conn.execute(_CANCEL, f"deadline:{event.solicitation_id}:{event.vendor_id}")
            case SolicitationOpened():
                values = await self._solicitation(conn, event.solicitation_id)
                values["opened_at"] = _iso(event.opened_at)
                bidders = await self._bidders(conn, event.solicitation_id)
                await self._to_vendors(conn, eid, "opening", values, at, bidders)
            case IntentToAwardPublished():
                values = await self._solicitation(conn, event.solicitation_id)
                values.update(winner=await self._vendor_name(conn, event.vendor_id),
                              protest_window_ends=_iso(event.protest_window_ends))
                bidders = await self._bidders(conn, event.solicitation_id)
                await self._to_vendors(conn, eid, "intent_to_award", values, at, bidders, bidders)
            case ProtestFiled():
                values = await self._solicitation(conn, event.solicitation_id)
                values["filed_at"] = _iso(event.filed_at)
                bidders = await self._bidders(conn, event.solicitation_id)
                await self._to_vendors(conn, eid, "protest_filed", values, at, bidders, bidders)
            case ProtestDecided():
                values = await self._solicitation(conn, event.solicitation_id)
                values.update(outcome=event.outcome, reason=event.reason)
                bidders = await self._bidders(conn, event.solicitation_id)
                await self._to_vendors(conn, eid, "protest_decided", values, at, bidders, bidders)
            case AwardFinalized():
                values = await self._solicitation(conn, event.solicitation_id)
                values.update(winner=await self._vendor_name(conn, event.vendor_id),
                              finalized_at=_iso(event.finalized_at))
                bidders = await self._bidders(conn, event.solicitation_id)
                await self._to_vendors(conn, eid, "award", values, at, bidders, bidders)
            case VendorApproved() | VendorRenewed():
                await conn.execute(_CANCEL, f"renewal:{event.vendor_id}")
                await conn.execute("UPDATE notify_vendors SET expires_at = $2 WHERE vendor_id = $1",
                                   event.vendor_id, event.expires_at)
                for days in REGISTRATION_REMINDER_DAYS:
                    due = event.expires_at - timedelta(days=days)
                    if due > at:
                        await self._to_vendors(
                            conn, f"{eid}:renewal{days}", "registration_renewal",
                            {"days": days, "expires_on": event.expires_at.date().isoformat(),
                             "path": f"/vendors/{event.vendor_id}"}, due, [event.vendor_id],
                            cancel_key="renewal")
            case VendorRegistrationExpired():
                await conn.execute(_CANCEL, f"renewal:{event.vendor_id}")
            case CertificationAdded():
                due = _midnight(event.expiry_date - timedelta(days=CERTIFICATION_REMINDER_DAYS))
                if due > at:
                    await self._to_vendors(
                        conn, f"{eid}:expiry", "certification_expiry",
                        {"program": event.program, "number": event.number, "issuing_body": event.issuing_body,
                         "expires_on": event.expiry_date.isoformat(), "path": f"/vendors/{event.vendor_id}"},
                        due, [event.vendor_id], cancel_key=f"cert:{event.cert_id}")  # + ":<vendor>"
            case CertificationExpired() | CertificationRejected():
                await conn.execute(_CANCEL, f"cert:{event.cert_id}:{event.vendor_id}")
            case ContractExpiryNoticed():
                row = await conn.fetchrow("SELECT * FROM notify_contracts WHERE contract_id = $1", event.contract_id)
                if row is not None:
                    values = {"contract_id": event.contract_id, "days": event.days_before,
                              "end_date": event.end_date.isoformat() if event.end_date else "",
                              "agency": await self._agency_name(conn, row["agency_id"]),
                              "vendor": await self._vendor_name(conn, row["vendor_id"]),
                              "path": f"/contracts/{event.contract_id}"}
                    await self._to_subs(conn, eid, "contract_expiry", values, at, [row["buyer"]])
            case OptionDeadlineReminded() | DeliverableOverdue():
                row = await conn.fetchrow("SELECT * FROM notify_contracts WHERE contract_id = $1", event.contract_id)
                if row is None:
                    return
                values = {"contract_id": event.contract_id, "agency": await self._agency_name(conn, row["agency_id"]),
                          "vendor": await self._vendor_name(conn, row["vendor_id"]),
                          "path": f"/contracts/{event.contract_id}"}
                if isinstance(event, OptionDeadlineReminded):
                    values.update(option_id=event.option_id, description=event.description,
                                  deadline=event.exercise_deadline.isoformat())
                    await self._to_subs(conn, eid, "option_deadline", values, at, [row["buyer"]])
                else:
                    values.update(title=event.title, due_date=event.due_date.isoformat())
                    await self._to_subs(conn, eid, "deliverable_overdue", values, at, [row["buyer"]])
                    await self._to_vendors(conn, f"{eid}:vendor", "deliverable_overdue", values, at,
                                           [row["vendor_id"]])
            case InvoiceAccepted() | InvoiceDisputed() | InvoiceApproved():
                row = await conn.fetchrow("SELECT * FROM notify_invoices WHERE invoice_id = $1", event.invoice_id)
                if row is None:
                    return
                values = {"number": row["number"], "agency": await self._agency_name(conn, row["agency_id"]),
                          "path": f"/invoices/{event.invoice_id}"}
                match event:
                    case InvoiceAccepted():
                        values.update(status="accepted", detail=f"Due {event.due_date.isoformat()}.")
                        due = _midnight(event.due_date - timedelta(days=INVOICE_DUE_REMINDER_DAYS))
                        finance = {**values, "due_date": event.due_date.isoformat(),
                                   "vendor": await self._vendor_name(conn, row["vendor_id"])}
                        await self._to_subs(conn, f"{eid}:due", "invoice_due", finance, max(due, at),
                                            await self._finance_of(conn, row["agency_id"]),
                                            cancel_key=f"invoice_due:{event.invoice_id}")
                    case InvoiceDisputed():
                        values.update(status="disputed", detail=event.reason)
                    case InvoiceApproved():
                        values.update(status="approved", detail=_money(event.amount))
                await self._to_vendors(conn, eid, "invoice", values, at, [row["vendor_id"]])
            case PaymentSucceeded() | PaymentFailed() | PaymentRefunded():
                row = await conn.fetchrow(
                    "SELECT p.*, i.number FROM notify_payments p LEFT JOIN notify_invoices i"
                    " ON i.invoice_id = p.invoice_id WHERE p.payment_id = $1", event.payment_id)
                if row is None:
                    return
                values = {"payment_id": event.payment_id, "number": row["number"] or row["invoice_id"],
                          "agency": await self._agency_name(conn, row["agency_id"]),
                          "path": f"/invoices/{row['invoice_id']}"}
                match event:
                    case PaymentSucceeded():
                        values.update(status="sent", amount=_money(event.amount), detail="")
                        await conn.execute(_CANCEL, f"invoice_due:{row['invoice_id']}")
                    case PaymentFailed():
                        values.update(status="failed", detail=event.reason)
                    case PaymentRefunded():
                        values.update(status="refunded", amount=_money(event.amount), detail=event.reason)
                await self._to_vendors(conn, eid, "payment", values, at, [row["vendor_id"]])
            case WebhookDisabled():
                row = await conn.fetchrow("SELECT owner, url FROM notify_webhooks WHERE subscription_id = $1",
                                          event.subscription_id)
                if row is not None:
                    await self._to_subs(conn, eid, "webhook_disabled",
                                        {"url": row["url"], "subscription_id": event.subscription_id,
                                         "reason": event.reason,
                                         "path": f"/webhook-subscriptions/{event.subscription_id}"},
                                        at, [row["owner"]], legal=True)


async def forget_person(civic: Any, subject: str) -> None:
    """A forgotten contact's address leaves the mail records: the notices keep their kind,
    status and times, not where they went or what they said."""
    kind, _, email = subject.partition(":")
    if kind != "contact":
        return
    await civic.pool.execute(
        "UPDATE notify_outbox SET address = '[removed]', vars = '{}'::jsonb WHERE lower(address) = $1", email)
