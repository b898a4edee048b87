"""Which notices the outbox projection decides, to whom and when: reminders for
registrations, certifications, contracts and invoices, and their cancellation."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from events.agencies import AgencyRegistered
from events.base import Metadata, Money
from events.contracts import ContractExpiryNoticed, ContractOpened
from events.invoices import InvoiceAccepted, InvoiceSubmitted, ServicePeriod
from events.notifications import NotificationPreferencesSet
from events.payments import PaymentStarted, PaymentSucceeded
from events.solicitations import SolicitationCreated
from events.vendors import (
    Address,
    CertificationAdded,
    Contact,
    VendorApproved,
    VendorRegistered,
    VendorRenewed,
)
from infra import db
from infra.eventstore import Position, RecordedEvent
from services.notifications.readmodel import OutboxProjection

T0 = datetime(2026, 3, 2, 12, tzinfo=UTC)
_seq = itertools.count(1)


def recorded(event, at=T0, actor="someone"):
    n = next(_seq)
    return RecordedEvent(event_id=f"e{n}", stream_id="s", version=n, position=Position(1, n), type="t",
                         event=event, metadata=Metadata(occurred_at=at, actor=actor), recorded_at=at)


async def _rows(conn, kind):
    return await conn.fetch("SELECT recipient, deliver_after, status, vars::text AS vars FROM notify_outbox"
                            " WHERE kind = $1 ORDER BY deliver_after, recipient", kind)


async def test_reminders_are_scheduled_to_the_right_people_and_cancelled_when_done(isolated):
    settings = await isolated()
    pool = await db.create_pool(settings.database_url, min_size=1, max_size=2)
    projection = OutboxProjection()
    expires = T0 + timedelta(days=365)
    money = Money(amount=120_000_00, currency="USD")
    try:
        async with pool.acquire() as conn, conn.transaction():
            await projection.apply(conn, [
                recorded(AgencyRegistered(agency_id="ag1", name="City of Springfield", jurisdiction="US-IL")),
                recorded(VendorRegistered(
                    vendor_id="v1", owner="owner1", legal_name="Acme Salt LLC", tax_id="12-3456789",
                    address=Address(line1="1 Main", city="Springfield", state="IL", zip="62701"),
                    contacts=[Contact(name="Ana", email="ana@acme.example")], employees=5,
                    revenue_band="under_1m")),
                recorded(VendorApproved(vendor_id="v1", approved_at=T0, expires_at=expires)),
                recorded(CertificationAdded(vendor_id="v1", cert_id="c1", program="MBE", issuing_body="IL CMS",
                                            number="M-1", effective_date=date(2026, 1, 1),
                                            expiry_date=date(2026, 12, 31))),
                recorded(NotificationPreferencesSet(sub="fin1", role="finance", agency="ag1",
                                                    email="fin@springfield.example")),
                recorded(SolicitationCreated(
                    solicitation_id="sol1", agency_id="ag1", solicitation_type="ITB", title="Road salt",
                    description="", commodity_codes=["12345"], estimated_value=money, method="open",
                    submission_deadline=T0, questions_deadline=T0, opening_time=T0), actor="buyer1"),
                recorded(ContractOpened(contract_id="k1", award_id="a1", solicitation_id="sol1", agency_id="ag1",
                                        vendor_id="v1", value=money, start_date=date(2026, 4, 1),
                                        end_date=date(2027, 3, 31), terms_ref="", requires_receipt=False)),
                recorded(ContractExpiryNoticed(contract_id="k1", days_before=90, end_date=date(2027, 3, 31))),
                recorded(InvoiceSubmitted(invoice_id="i1", contract_id="k1", agency_id="ag1", vendor_id="v1",
                                          number="INV-7", total=money, received_at=T0,
                                          service_period=ServicePeriod(start=date(2026, 4, 1),
                                                                       end=date(2026, 4, 30)))),
                recorded(InvoiceAccepted(invoice_id="i1", accepted_at=T0, due_date=date(2026, 4, 1))),
            ])
            renewals = await _rows(conn, "registration_renewal")
            assert [(r["recipient"], r["deliver_after"]) for r in renewals] == [
                ("owner1", expires - timedelta(days=60)), ("owner1", expires - timedelta(days=30)),
                ("owner1", expires - timedelta(days=15))]
            [cert] = await _rows(conn, "certification_expiry")
            assert cert["deliver_after"] == datetime(2026, 12, 1, tzinfo=UTC) and "MBE" in cert["vars"]
            [expiry] = await _rows(conn, "contract_expiry")
            assert expiry["recipient"] == "buyer1" and "Acme Salt LLC" in expiry["vars"]
            [accepted] = await _rows(conn, "invoice")
            assert accepted["recipient"] == "owner1" and "INV-7" in accepted["vars"]
            [due] = await _rows(conn, "invoice_due")
            assert due["recipient"] == "fin1" and due["deliver_after"] == datetime(2026, 3, 27, tzinfo=UTC)

            renewed = expires + timedelta(days=365)
            await projection.apply(conn, [
                recorded(VendorRenewed(vendor_id="v1", expires_at=renewed), at=T0 + timedelta(days=300)),
                recorded(PaymentStarted(payment_id="p1", invoice_id="i1", contract_id="k1", agency_id="ag1",
                                        vendor_id="v1", amount=money, stripe_payment_intent="pi_1")),
                recorded(PaymentSucceeded(payment_id="p1", amount=money, paid_at=T0, interest=Money(
                    amount=0, currency="USD"))),
            ])
            renewals = await _rows(conn, "registration_renewal")
            assert [r["status"] for r in renewals] == ["cancelled"] * 3 + ["pending"] * 3
            assert renewals[-1]["deliver_after"] == renewed - timedelta(days=15)
            assert [r["status"] for r in await _rows(conn, "invoice_due")] == ["cancelled"]
            [paid] = await _rows(conn, "payment")
            assert "sent" in paid["vars"] and "INV-7" in paid["vars"]
    finally:
        await pool.close()
