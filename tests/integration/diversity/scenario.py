"""A small marketplace whose diversity figures are computed by hand in the tests.

Agency "ports" (goals MBE 15 %, WBE 10 %), first quarter of 2026:
- Alpha: MBE (expires 2026-02-14, expiry recorded 2026-02-15) and WBE, both verified 2025-06-02.
- Beta: WBE, effective 2025 but verified only on 2026-02-01.
- Gamma: no certification.
Payments (USD): Alpha 10,000 on 01-10 and 5,000 on 02-20; Beta 8,000 on 01-15 and 2,000 on
02-05 (1,000 of it refunded on 03-10); Gamma 25,000 on 03-01; Alpha 4,000 on 2025-12-31.
Awards: Alpha 50,000 (01-05), Beta 30,000 (01-20), Gamma 20,000 (cancelled).
Bids: Alpha and Gamma on the paving job, Beta on the laptops.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from events.awards import AwardCancelled, AwardFinalized
from events.base import Event, Money
from events.bids import BidSubmitted
from events.contracts import ContractOpened
from events.payments import PaymentRefunded, PaymentStarted, PaymentSucceeded
from infra.eventstore import EventStore
from tests.integration.search import builders as b

AGENCY = "ports"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=15, tzinfo=UTC)


def usd(dollars: int) -> Money:
    return Money(amount=dollars * 100, currency="USD")


def award(award_id: str, sid: str, vendor: str, dollars: int, day: str) -> AwardFinalized:
    return AwardFinalized(award_id=award_id, solicitation_id=sid, agency_id=AGENCY, vendor_id=vendor,
                          value=usd(dollars), decided_by="chief", rationale="best value", finalized_at=at(day))


def contract(contract_id: str, sid: str, vendor: str) -> ContractOpened:
    return ContractOpened(contract_id=contract_id, award_id=f"aw-{contract_id}", solicitation_id=sid,
                          agency_id=AGENCY, vendor_id=vendor, value=usd(100_000), start_date=date(2025, 12, 1),
                          end_date=date(2026, 12, 31), terms_ref="T1", requires_receipt=False)


def payment(payment_id: str, contract_id: str, vendor: str, dollars: int, day: str) -> list[Event]:
    return [
        PaymentStarted(payment_id=payment_id, invoice_id=f"inv-{payment_id}", contract_id=contract_id,
                       agency_id=AGENCY, vendor_id=vendor, amount=usd(dollars), stripe_payment_intent="pi_x"),
        PaymentSucceeded(payment_id=payment_id, amount=usd(dollars), paid_at=at(day),
                         interest=Money(amount=0, currency="USD")),
    ]


def bid(bid_id: str, sid: str, vendor: str, day: str) -> BidSubmitted:
    return BidSubmitted(bid_id=bid_id, solicitation_id=sid, vendor_id=vendor, received_at=at(day), sealed="c2VhbGVk")


async def load(store: EventStore) -> None:
    """Append the scenario, in the order it happened."""
    steps: list[tuple[str, str, list[Event]]] = [
        ("agency-ports", "2025-01-01", [b.agency(AGENCY, "Port of Example", {"MBE": 15, "WBE": 10})]),
        ("vendor-alpha", "2025-06-01", [b.vendor("alpha", "Alpha Paving", codes=("72141100",)),
                                        b.approved("alpha", at("2025-06-01")),
                                        b.certification("alpha", "c-mbe", "MBE", date(2025, 1, 1), date(2026, 2, 14)),
                                        b.certification("alpha", "c-wbe", "WBE", date(2025, 1, 1), date(2027, 1, 1))]),
        ("vendor-alpha", "2025-06-02", [b.verified("alpha", "c-mbe", at("2025-06-02")),
                                        b.verified("alpha", "c-wbe", at("2025-06-02"))]),
        ("vendor-beta", "2025-06-01", [b.vendor("beta", "Beta Computing", codes=("43211503",)),
                                       b.approved("beta", at("2025-06-01")),
                                       b.certification("beta", "c-beta", "WBE", date(2025, 1, 1), date(2027, 12, 31))]),
        ("vendor-gamma", "2025-06-01", [b.vendor("gamma", "Gamma Works"), b.approved("gamma", at("2025-06-01"))]),
        ("solicitation-s-pave", "2025-11-01", [b.solicitation("s-pave", AGENCY, "Paving", codes=("72141100",),
                                                              deadline=at("2025-12-01"))]),
        ("solicitation-s-laptops", "2025-11-01", [b.solicitation("s-laptops", AGENCY, "Laptops", codes=("43211503",),
                                                                 deadline=at("2025-12-01"))]),
        ("contract-k-alpha", "2025-12-01", [contract("k-alpha", "s-pave", "alpha")]),
        ("contract-k-beta", "2025-12-01", [contract("k-beta", "s-laptops", "beta")]),
        ("contract-k-gamma", "2025-12-01", [contract("k-gamma", "s-pave", "gamma")]),
        ("payment-p6", "2025-12-31", payment("p6", "k-alpha", "alpha", 4_000, "2025-12-31")),
        ("bid-1", "2026-01-02", [bid("bid-1", "s-pave", "alpha", "2026-01-02")]),
        ("bid-2", "2026-01-03", [bid("bid-2", "s-pave", "gamma", "2026-01-03")]),
        ("bid-3", "2026-01-04", [bid("bid-3", "s-laptops", "beta", "2026-01-04")]),
        ("award-a1", "2026-01-05", [award("a1", "s-pave", "alpha", 50_000, "2026-01-05")]),
        ("payment-p1", "2026-01-10", payment("p1", "k-alpha", "alpha", 10_000, "2026-01-10")),
        ("payment-p3", "2026-01-15", payment("p3", "k-beta", "beta", 8_000, "2026-01-15")),
        ("award-a2", "2026-01-20", [award("a2", "s-laptops", "beta", 30_000, "2026-01-20")]),
        ("award-a3", "2026-01-21", [award("a3", "s-pave", "gamma", 20_000, "2026-01-21")]),
        ("vendor-beta", "2026-02-01", [b.verified("beta", "c-beta", at("2026-02-01"))]),
        ("award-a3", "2026-02-02", [AwardCancelled(award_id="a3", solicitation_id="s-pave", reason="protest upheld")]),
        ("payment-p4", "2026-02-05", payment("p4", "k-beta", "beta", 2_000, "2026-02-05")),
        ("vendor-alpha", "2026-02-15", [b.cert_expired("alpha", "c-mbe")]),
        ("payment-p2", "2026-02-20", payment("p2", "k-alpha", "alpha", 5_000, "2026-02-20")),
        ("payment-p5", "2026-03-01", payment("p5", "k-gamma", "gamma", 25_000, "2026-03-01")),
        ("payment-p4", "2026-03-10", [PaymentRefunded(payment_id="p4", amount=usd(1_000), refunded_at=at("2026-03-10"))]),
    ]
    for stream, day, events in steps:
        await b.append(store, stream, events, at(day))
