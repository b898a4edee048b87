"""A small marketplace whose spend figures are computed by hand in the tests.

Agency "harbor" (USD), first quarter of 2026. Vendors:
- Alpha: category 72, local to harbor, MBE verified 2025-06-02 (valid through 2027).
- Beta: category 72, not local, no certification.
- Gamma: category 43, local to harbor, WBE verified 2025-06-02.
- Delta: category 72, registered but never approved.
Contracts: k-a (Alpha, ends 2026-06-30), k-b (Beta, ends 2026-12-31, amended to 2027-06-30),
k-g (Gamma, ends 2026-09-30, terminated 2026-03-25).
Payments (invoice received -> due -> paid):
- p1 Alpha 6,000: 01-02 -> 02-01 -> 01-12 (10 days, on time)
- p2 Beta 2,000: 01-05 -> 02-04 -> 02-14 (40 days, late, 5.00 interest)
- p3 Beta 2,000: 02-01 -> 03-03 -> 02-21 (20 days, on time); 500 refunded on 03-05
- p4 Gamma 10,000: 02-10 -> 03-12 -> 03-22 (40 days, late, 12.00 interest)
- p5 Alpha 1,000 paid in another agency ("other"), 2026-01-20, 3 days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec

from events.base import Event, Money
from events.contracts import ContractModified, ContractOpened, ContractTerminated
from events.invoices import InvoiceSubmitted, ServicePeriod
from events.payments import PaymentRefunded, PaymentStarted, PaymentSucceeded
from infra.eventstore import EventStore
from tests.integration.search import builders as b

AGENCY = "harbor"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=15, tzinfo=UTC)


def usd(dollars: int) -> Money:
    return Money(amount=dollars * 100, currency="USD")


def contract(contract_id: str, sid: str, vendor: str, end: date, agency: str = AGENCY) -> ContractOpened:
    return ContractOpened(contract_id=contract_id, award_id=f"aw-{contract_id}", solicitation_id=sid,
                          agency_id=agency, vendor_id=vendor, value=usd(100_000), start_date=date(2025, 12, 1),
                          end_date=end, terms_ref="T1", requires_receipt=False)


def invoice(invoice_id: str, contract_id: str, vendor: str, dollars: int, received: str,
            agency: str = AGENCY) -> InvoiceSubmitted:
    return InvoiceSubmitted(invoice_id=invoice_id, contract_id=contract_id, agency_id=agency, vendor_id=vendor,
                            number=invoice_id.upper(), total=usd(dollars), received_at=at(received),
                            service_period=ServicePeriod(start=date(2025, 12, 1), end=date(2025, 12, 31)))


def started(payment_id: str, contract_id: str, vendor: str, dollars: int, due: str,
            agency: str = AGENCY) -> PaymentStarted:
    return PaymentStarted(payment_id=payment_id, invoice_id=f"inv-{payment_id}", contract_id=contract_id,
                          agency_id=agency, vendor_id=vendor, amount=usd(dollars), stripe_payment_intent="pi_x",
                          due_date=date.fromisoformat(due))


def succeeded(payment_id: str, dollars: int, paid: str, interest_cents: int = 0) -> PaymentSucceeded:
    return PaymentSucceeded(payment_id=payment_id, amount=usd(dollars), paid_at=at(paid),
                            interest=Money(amount=interest_cents, currency="USD"))


def local(event: Event, *agencies: str) -> Event:
    return msgspec.structs.replace(event, local_agencies=list(agencies))


async def load(store: EventStore) -> None:
    """Append the scenario in the order it happened."""
    steps: list[tuple[str, str, list[Event]]] = [
        ("vendor-alpha", "2025-06-01", [local(b.vendor("alpha", "Alpha Paving", codes=("72141100",)), AGENCY),
                                        b.approved("alpha", at("2025-06-01")),
                                        b.certification("alpha", "c-mbe", "MBE", date(2025, 1, 1), date(2027, 12, 31)),
                                        b.verified("alpha", "c-mbe", at("2025-06-02"))]),
        ("vendor-beta", "2025-06-01", [b.vendor("beta", "Beta Builders", codes=("72152100",)),
                                       b.approved("beta", at("2025-06-01"))]),
        ("vendor-gamma", "2025-06-01", [local(b.vendor("gamma", "Gamma Computing", codes=("43211503",)), AGENCY),
                                        b.approved("gamma", at("2025-06-01")),
                                        b.certification("gamma", "c-wbe", "WBE", date(2025, 1, 1), date(2027, 12, 31)),
                                        b.verified("gamma", "c-wbe", at("2025-06-02"))]),
        ("vendor-delta", "2025-06-01", [b.vendor("delta", "Delta Draft", codes=("72141100",))]),
        ("solicitation-s-pave", "2025-11-01", [b.solicitation("s-pave", AGENCY, "Paving", codes=("72141100",),
                                                              deadline=at("2025-11-20"))]),
        ("solicitation-s-lap", "2025-11-01", [b.solicitation("s-lap", AGENCY, "Laptops", codes=("43211503",),
                                                             deadline=at("2025-11-20"))]),
        ("solicitation-s-other", "2025-11-01", [b.solicitation("s-other", "other", "Roads", codes=("72141100",),
                                                               deadline=at("2025-11-20"))]),
        ("contract-k-a", "2025-12-01", [contract("k-a", "s-pave", "alpha", date(2026, 6, 30))]),
        ("contract-k-b", "2025-12-01", [contract("k-b", "s-pave", "beta", date(2026, 12, 31))]),
        ("contract-k-g", "2025-12-01", [contract("k-g", "s-lap", "gamma", date(2026, 9, 30))]),
        ("contract-k-o", "2025-12-01", [contract("k-o", "s-other", "alpha", date(2026, 5, 31), agency="other")]),
        ("invoice-inv-p1", "2026-01-02", [invoice("inv-p1", "k-a", "alpha", 6_000, "2026-01-02")]),
        ("invoice-inv-p2", "2026-01-05", [invoice("inv-p2", "k-b", "beta", 2_000, "2026-01-05")]),
        ("payment-p1", "2026-01-11", [started("p1", "k-a", "alpha", 6_000, "2026-02-01")]),
        ("payment-p1", "2026-01-12", [succeeded("p1", 6_000, "2026-01-12")]),
        ("invoice-inv-p5", "2026-01-17", [invoice("inv-p5", "k-o", "alpha", 1_000, "2026-01-17", agency="other")]),
        ("payment-p5", "2026-01-19", [started("p5", "k-o", "alpha", 1_000, "2026-02-16", agency="other")]),
        ("payment-p5", "2026-01-20", [succeeded("p5", 1_000, "2026-01-20")]),
        ("invoice-inv-p3", "2026-02-01", [invoice("inv-p3", "k-b", "beta", 2_000, "2026-02-01")]),
        ("invoice-inv-p4", "2026-02-10", [invoice("inv-p4", "k-g", "gamma", 10_000, "2026-02-10")]),
        ("payment-p2", "2026-02-13", [started("p2", "k-b", "beta", 2_000, "2026-02-04")]),
        ("payment-p2", "2026-02-14", [succeeded("p2", 2_000, "2026-02-14", interest_cents=5_00)]),
        ("payment-p3", "2026-02-20", [started("p3", "k-b", "beta", 2_000, "2026-03-03")]),
        ("payment-p3", "2026-02-21", [succeeded("p3", 2_000, "2026-02-21")]),
        ("payment-p3", "2026-03-05", [PaymentRefunded(payment_id="p3", amount=usd(500), refunded_at=at("2026-03-05"))]),
        ("contract-k-b", "2026-03-10", [ContractModified(contract_id="k-b", number=1, reason="extension",
                                                         value=usd(120_000), end_date=date(2027, 6, 30),
                                                         kind="time_extension")]),
        ("payment-p4", "2026-03-21", [started("p4", "k-g", "gamma", 10_000, "2026-03-12")]),
        ("payment-p4", "2026-03-22", [succeeded("p4", 10_000, "2026-03-22", interest_cents=12_00)]),
        ("contract-k-g", "2026-03-25", [ContractTerminated(contract_id="k-g", reason="for convenience")]),
    ]
    for stream, day, events in steps:
        await b.append(store, stream, events, at(day))
