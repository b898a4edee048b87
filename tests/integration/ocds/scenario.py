"""A whole contracting process as the real events of every context, appended through the
event store: registration, publication, sealed bids, opening, evaluation, protest,
award, contract, amendment, payment, refund and completion."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from events import agencies, awards, bids, contracts, payments, solicitations, vendors
from events.base import Event, Metadata, Money
from infra.eventstore import EventStore
from tests.support import unique

START = datetime(2026, 2, 2, 15, 0, tzinfo=UTC)


def usd(minor: int) -> Money:
    return Money(amount=minor, currency="USD")


@dataclass
class Process:
    """The ids and the facts a test checks the published data against."""

    #: when it begins; every event is timed from here
    start: datetime = START
    solicitation_id: str = field(default_factory=lambda: unique("sol"))
    agency_id: str = field(default_factory=lambda: unique("ag"))
    winner: str = field(default_factory=lambda: unique("vd"))
    loser: str = field(default_factory=lambda: unique("vd"))
    award_id: str = field(default_factory=lambda: unique("aw"))
    contract_id: str = field(default_factory=lambda: unique("ct"))
    payment_id: str = field(default_factory=lambda: unique("pay"))
    winning_bid: str = field(default_factory=lambda: unique("bid"))
    losing_bid: str = field(default_factory=lambda: unique("bid"))
    #: what must never be published, or not before opening
    sealed_price: Money = usd(4321987)
    losing_price: Money = usd(5012345)
    ciphertext: str = "gAAAAABsealed-bid-ciphertext-0123456789"
    tax_id: str = "12-3456789"
    contact_email: str = "owner@winner.example"
    evaluator: str = "evaluator-sub-7731"
    protest_grounds: str = "Confidential protest grounds about pricing"
    asker: str = "asker-sub-4410"
    #: the final state
    estimated_value: Money = usd(5_000_000)
    amended_value: Money = usd(4_800_000)
    amended_end: date = date(2027, 6, 30)
    paid: Money = usd(1_250_050)
    interest: Money = usd(1_234)
    refunded: Money = usd(50)

    def at(self, hours: float) -> datetime:
        return self.start + timedelta(hours=hours)


def before_opening(p: Process) -> list[tuple[str, Event, datetime]]:
    """Everything up to the closing: sealed bids are in, nothing of them is public."""
    sol = f"solicitation-{p.solicitation_id}"
    return [
        (
            f"agency-{p.agency_id}",
            agencies.AgencyRegistered(
                agency_id=p.agency_id, name="Port of Tacoma", jurisdiction="US-WA"
            ),
            p.at(0),
        ),
        *[
            (f"vendor-{vid}", e, p.at(0.1))
            for vid, name, staff in (
                (p.winner, "Cascade Paving LLC", 14),
                (p.loser, "Evergreen Civil Inc", 420),
            )
            for e in (
                vendors.VendorRegistered(
                    vendor_id=vid,
                    owner=unique("sub"),
                    legal_name=name,
                    tax_id=p.tax_id,
                    address=vendors.Address(
                        line1="12 Harbor Way", city="Tacoma", state="WA", zip="98402"
                    ),
                    contacts=[
                        vendors.Contact(
                            name="Dana Owner", email=p.contact_email, phone="+1 253 555 0101"
                        )
                    ],
                    employees=staff,
                    revenue_band="1M-5M",
                    commodity_codes=["91300"],
                ),
                vendors.VendorApproved(vendor_id=vid, approved_at=p.at(0.1), expires_at=p.at(9000)),
            )
        ],
        (
            f"vendor-{p.winner}",
            vendors.CertificationAdded(
                vendor_id=p.winner,
                cert_id="c1",
                program="WBE",
                issuing_body="WA OMWBE",
                number="W-1",
                effective_date=date(2025, 1, 1),
                expiry_date=date(2028, 1, 1),
            ),
            p.at(0.2),
        ),
        (
            f"vendor-{p.winner}",
            vendors.CertificationVerified(vendor_id=p.winner, cert_id="c1", verified_at=p.at(0.2)),
            p.at(0.2),
        ),
        (
            sol,
            solicitations.SolicitationCreated(
                solicitation_id=p.solicitation_id,
                agency_id=p.agency_id,
                solicitation_type="ITB",
                title="Pier 7 resurfacing",
                description="Resurface the pier 7 apron",
                commodity_codes=["91300", "74545"],
                estimated_value=p.estimated_value,
                method="open",
                submission_deadline=p.at(400),
                questions_deadline=p.at(300),
                opening_time=p.at(401),
                criteria=[
                    solicitations.Criterion(
                        criterion_id="price", name="Price", weight=100, is_price=True
                    )
                ],
                documents=[
                    solicitations.DocumentRef(
                        name="Specifications", url="https://docs.example/spec.pdf"
                    )
                ],
                created_by="buyer-sub-1",
            ),
            p.at(1),
        ),
        (
            sol,
            solicitations.SolicitationPublished(
                solicitation_id=p.solicitation_id,
                agency_id=p.agency_id,
                published_at=p.at(2),
                submission_deadline=p.at(400),
            ),
            p.at(2),
        ),
        (
            sol,
            solicitations.QuestionAsked(
                solicitation_id=p.solicitation_id,
                question_id="q1",
                question="Is night work allowed?",
                asked_by=p.asker,
                asked_at=p.at(3),
            ),
            p.at(3),
        ),
        (
            sol,
            solicitations.QuestionAnswered(
                solicitation_id=p.solicitation_id,
                question_id="q1",
                question="Is night work allowed?",
                answer="Yes, 10pm to 5am.",
                answered_at=p.at(4),
            ),
            p.at(4),
        ),
        (
            sol,
            solicitations.AddendumPublished(
                solicitation_id=p.solicitation_id,
                number=1,
                summary="Deadline extended",
                changes="Submission deadline moved by two days",
                submission_deadline=p.at(448),
                deadline_extended=True,
                published_at=p.at(5),
            ),
            p.at(5),
        ),
        *[
            (
                f"bid-{bid}",
                bids.BidSubmitted(
                    bid_id=bid,
                    solicitation_id=p.solicitation_id,
                    vendor_id=vid,
                    received_at=p.at(10),
                    sealed=p.ciphertext,
                    acknowledged_addendum=1,
                ),
                p.at(10),
            )
            for bid, vid in ((p.winning_bid, p.winner), (p.losing_bid, p.loser))
        ],
        (
            sol,
            solicitations.SolicitationClosed(
                solicitation_id=p.solicitation_id, closed_at=p.at(448)
            ),
            p.at(448),
        ),
    ]


def after_opening(p: Process) -> list[tuple[str, Event, datetime]]:
    sol, ev = f"solicitation-{p.solicitation_id}", f"evaluation-{p.solicitation_id}"
    contract = f"contract-{p.contract_id}"
    tabulation = [
        solicitations.TabulationEntry(
            bid_id=p.winning_bid,
            vendor_id=p.winner,
            price=p.sealed_price,
            received_at=p.at(10),
            vendor_name="Cascade Paving LLC",
            acknowledged_addendum=1,
        ),
        solicitations.TabulationEntry(
            bid_id=p.losing_bid,
            vendor_id=p.loser,
            price=p.losing_price,
            received_at=p.at(10),
            vendor_name="Evergreen Civil Inc",
            acknowledged_addendum=1,
        ),
    ]
    return [
        (
            sol,
            solicitations.SolicitationOpened(
                solicitation_id=p.solicitation_id,
                opened_at=p.at(449),
                tabulation=tabulation,
                latest_addendum=1,
            ),
            p.at(449),
        ),
        *[
            (
                f"bid-{bid}",
                bids.BidUnsealed(
                    bid_id=bid,
                    solicitation_id=p.solicitation_id,
                    vendor_id=vid,
                    price=price,
                    responses=[],
                    received_at=p.at(10),
                    acknowledged_addendum=1,
                    attestations=bids.Attestations(
                        no_conflict_of_interest=True, non_collusion=True
                    ),
                ),
                p.at(449),
            )
            for bid, vid, price in (
                (p.winning_bid, p.winner, p.sealed_price),
                (p.losing_bid, p.loser, p.losing_price),
            )
        ],
        (
            ev,
            awards.EvaluationStarted(solicitation_id=p.solicitation_id, agency_id=p.agency_id),
            p.at(450),
        ),
        (
            sol,
            solicitations.SolicitationUnderEvaluation(solicitation_id=p.solicitation_id),
            p.at(450),
        ),
        (
            ev,
            awards.EvaluatorAppointed(
                solicitation_id=p.solicitation_id,
                agency_id=p.agency_id,
                evaluator=p.evaluator,
                appointed_by="buyer-sub-1",
                appointed_at=p.at(450),
            ),
            p.at(450),
        ),
        (
            ev,
            awards.IntentToAwardPublished(
                award_id=p.award_id,
                solicitation_id=p.solicitation_id,
                vendor_id=p.winner,
                value=p.sealed_price,
                protest_window_ends=p.at(600),
                published_at=p.at(460),
            ),
            p.at(460),
        ),
        (
            ev,
            awards.ProtestFiled(
                protest_id="pr1",
                award_id=p.award_id,
                solicitation_id=p.solicitation_id,
                vendor_id=p.loser,
                grounds=p.protest_grounds,
                filed_by="loser-sub",
                filed_at=p.at(470),
            ),
            p.at(470),
        ),
        (
            ev,
            awards.ProtestDecided(
                protest_id="pr1",
                award_id=p.award_id,
                solicitation_id=p.solicitation_id,
                outcome="dismissed",
                reason="No merit",
                decided_by="admin-sub",
                decided_at=p.at(500),
            ),
            p.at(500),
        ),
        (
            ev,
            awards.AwardFinalized(
                award_id=p.award_id,
                solicitation_id=p.solicitation_id,
                agency_id=p.agency_id,
                vendor_id=p.winner,
                value=p.sealed_price,
                decided_by=p.evaluator,
                rationale="Lowest responsive bid",
                finalized_at=p.at(601),
                contract_start=date(2026, 4, 1),
                contract_end=date(2026, 12, 31),
            ),
            p.at(601),
        ),
        (
            sol,
            solicitations.SolicitationAwarded(
                solicitation_id=p.solicitation_id,
                award_id=p.award_id,
                vendor_id=p.winner,
                value=p.sealed_price,
            ),
            p.at(601),
        ),
        (
            contract,
            contracts.ContractOpened(
                contract_id=p.contract_id,
                award_id=p.award_id,
                solicitation_id=p.solicitation_id,
                agency_id=p.agency_id,
                vendor_id=p.winner,
                value=p.sealed_price,
                start_date=date(2026, 4, 1),
                end_date=date(2026, 12, 31),
                terms_ref="T-1",
                requires_receipt=True,
            ),
            p.at(602),
        ),
        (
            contract,
            contracts.ContractSigned(
                contract_id=p.contract_id,
                party="vendor",
                signed_by="owner-sub",
                signed_at=p.at(610),
            ),
            p.at(610),
        ),
        (
            contract,
            contracts.ContractSigned(
                contract_id=p.contract_id,
                party="buyer",
                signed_by="buyer-sub-1",
                signed_at=p.at(620),
            ),
            p.at(620),
        ),
        (
            contract,
            contracts.ContractActivated(contract_id=p.contract_id, activated_at=p.at(620)),
            p.at(620),
        ),
        (
            contract,
            contracts.ContractModified(
                contract_id=p.contract_id,
                number=1,
                reason="Reduced scope",
                value=p.amended_value,
                end_date=p.amended_end,
                kind="value_change",
                modified_at=p.at(700),
            ),
            p.at(700),
        ),
        (
            f"payment-{p.payment_id}",
            payments.PaymentStarted(
                payment_id=p.payment_id,
                invoice_id="inv1",
                contract_id=p.contract_id,
                agency_id=p.agency_id,
                vendor_id=p.winner,
                amount=p.paid,
                stripe_payment_intent="pi_1",
            ),
            p.at(800),
        ),
        (
            f"payment-{p.payment_id}",
            payments.PaymentSucceeded(
                payment_id=p.payment_id, amount=p.paid, paid_at=p.at(801), interest=p.interest
            ),
            p.at(801),
        ),
        (
            f"payment-{p.payment_id}",
            payments.PaymentRefunded(
                payment_id=p.payment_id, amount=p.refunded, refund_id="re_1", refunded_at=p.at(900)
            ),
            p.at(900),
        ),
        (
            contract,
            contracts.ContractCompleted(contract_id=p.contract_id, completed_at=p.at(1000)),
            p.at(1000),
        ),
    ]


async def append(store: EventStore, events: list[tuple[str, Event, datetime]]) -> None:
    for stream, event, when in events:
        await store.append(stream, None, [event], Metadata(occurred_at=when, actor="system"))
