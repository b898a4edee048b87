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


class Ids:
    """The scenario's ids, prefixed so that several copies can share one store."""

    def __init__(self, tag: str = "") -> None:
        self.tag = tag

    def __call__(self, name: str) -> str:
        return f"{self.tag}{name}"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=15, tzinfo=UTC)


def usd(dollars: int) -> Money:
    return Money(amount=dollars * 100, currency="USD")


def award(award_id: str, sid: str, vendor: str, dollars: int, day: str, agency: str) -> AwardFinalized:
    return AwardFinalized(award_id=award_id, solicitation_id=sid, agency_id=agency, vendor_id=vendor,
                          value=usd(dollars), decided_by="chief", rationale="best value", finalized_at=at(day))


def contract(contract_id: str, sid: str, vendor: str, agency: str) -> ContractOpened:
    return ContractOpened(contract_id=contract_id, award_id=f"aw-{contract_id}", solicitation_id=sid,
                          agency_id=agency, vendor_id=vendor, value=usd(100_000), start_date=date(2025, 12, 1),
                          end_date=date(2026, 12, 31), terms_ref="T1", requires_receipt=False)


def payment(payment_id: str, contract_id: str, vendor: str, dollars: int, day: str, agency: str) -> list[Event]:
    return [
        PaymentStarted(payment_id=payment_id, invoice_id=f"inv-{payment_id}", contract_id=contract_id,
                       agency_id=agency, vendor_id=vendor, amount=usd(dollars), stripe_payment_intent="pi_x"),
        PaymentSucceeded(payment_id=payment_id, amount=usd(dollars), paid_at=at(day),
                         interest=Money(amount=0, currency="USD")),
    ]


def bid(bid_id: str, sid: str, vendor: str, day: str) -> BidSubmitted:
    return BidSubmitted(bid_id=bid_id, solicitation_id=sid, vendor_id=vendor, received_at=at(day), sealed="c2VhbGVk")


async def load(store: EventStore, tag: str = "") -> None:
    """Append the scenario, in the order it happened (ids prefixed with ``tag``)."""
    i = Ids(tag)
    ag = i(AGENCY)
    steps: list[tuple[str, str, list[Event]]] = [
        (i("agency-ports"), "2025-01-01", [b.agency(ag, "Port of Example", {"MBE": 15, "WBE": 10})]),
        (i("vendor-alpha"), "2025-06-01", [b.vendor(i("alpha"), "Alpha Paving", codes=("72141100",)),
                                        b.approved(i("alpha"), at("2025-06-01")),
                                        b.certification(i("alpha"), i("c-mbe"), "MBE", date(2025, 1, 1), date(2026, 2, 14)),
                                        b.certification(i("alpha"), i("c-wbe"), "WBE", date(2025, 1, 1), date(2027, 1, 1))]),
        (i("vendor-alpha"), "2025-06-02", [b.verified(i("alpha"), i("c-mbe"), at("2025-06-02")),
                                        b.verified(i("alpha"), i("c-wbe"), at("2025-06-02"))]),
        (i("vendor-beta"), "2025-06-01", [b.vendor(i("beta"), "Beta Computing", codes=("43211503",)),
                                       b.approved(i("beta"), at("2025-06-01")),
                                       b.certification(i("beta"), i("c-beta"), "WBE", date(2025, 1, 1), date(2027, 12, 31))]),
        (i("vendor-gamma"), "2025-06-01", [b.vendor(i("gamma"), "Gamma Works"), b.approved(i("gamma"), at("2025-06-01"))]),
        (i("solicitation-s-pave"), "2025-11-01", [b.solicitation(i("s-pave"), ag, "Paving", codes=("72141100",),
                                                              deadline=at("2025-12-01"))]),
        (i("solicitation-s-laptops"), "2025-11-01", [b.solicitation(i("s-laptops"), ag, "Laptops", codes=("43211503",),
                                                                 deadline=at("2025-12-01"))]),
        (i("contract-k-alpha"), "2025-12-01", [contract(i("k-alpha"), i("s-pave"), i("alpha"), ag)]),
        (i("contract-k-beta"), "2025-12-01", [contract(i("k-beta"), i("s-laptops"), i("beta"), ag)]),
        (i("contract-k-gamma"), "2025-12-01", [contract(i("k-gamma"), i("s-pave"), i("gamma"), ag)]),
        (i("payment-p6"), "2025-12-31", payment(i("p6"), i("k-alpha"), i("alpha"), 4_000, "2025-12-31", ag)),
        (i("bid-1"), "2026-01-02", [bid(i("bid-1"), i("s-pave"), i("alpha"), "2026-01-02")]),
        (i("bid-2"), "2026-01-03", [bid(i("bid-2"), i("s-pave"), i("gamma"), "2026-01-03")]),
        (i("bid-3"), "2026-01-04", [bid(i("bid-3"), i("s-laptops"), i("beta"), "2026-01-04")]),
        (i("award-a1"), "2026-01-05", [award(i("a1"), i("s-pave"), i("alpha"), 50_000, "2026-01-05", ag)]),
        (i("payment-p1"), "2026-01-10", payment(i("p1"), i("k-alpha"), i("alpha"), 10_000, "2026-01-10", ag)),
        (i("payment-p3"), "2026-01-15", payment(i("p3"), i("k-beta"), i("beta"), 8_000, "2026-01-15", ag)),
        (i("award-a2"), "2026-01-20", [award(i("a2"), i("s-laptops"), i("beta"), 30_000, "2026-01-20", ag)]),
        (i("award-a3"), "2026-01-21", [award(i("a3"), i("s-pave"), i("gamma"), 20_000, "2026-01-21", ag)]),
        (i("vendor-beta"), "2026-02-01", [b.verified(i("beta"), i("c-beta"), at("2026-02-01"))]),
        (i("award-a3"), "2026-02-02", [AwardCancelled(award_id=i("a3"), solicitation_id=i("s-pave"), reason="protest upheld")]),
        (i("payment-p4"), "2026-02-05", payment(i("p4"), i("k-beta"), i("beta"), 2_000, "2026-02-05", ag)),
        (i("vendor-alpha"), "2026-02-15", [b.cert_expired(i("alpha"), i("c-mbe"))]),
        (i("payment-p2"), "2026-02-20", payment(i("p2"), i("k-alpha"), i("alpha"), 5_000, "2026-02-20", ag)),
        (i("payment-p5"), "2026-03-01", payment(i("p5"), i("k-gamma"), i("gamma"), 25_000, "2026-03-01", ag)),
        (i("payment-p4"), "2026-03-10", [PaymentRefunded(payment_id=i("p4"), amount=usd(1_000), refunded_at=at("2026-03-10"))]),
    ]
    for stream, day, events in steps:
        await b.append(store, stream, events, at(day))
