"""Upstream facts for award tests (integration and end-to-end): an opened solicitation with
unsealed bids, and vendors, appended as the solicitations and vendors contexts record them."""

from __future__ import annotations

from datetime import date, timedelta

from events.base import Metadata, Money
from events.bids import Attestations, BidUnsealed, CriterionResponse
from events.solicitations import (
    Criterion,
    SolicitationCreated,
    SolicitationOpened,
    TabulationEntry,
)
from events.vendors import (
    Address,
    ExclusionRecorded,
    VendorApproved,
    VendorRegistered,
    VendorSubmitted,
)
from infra.container import Civic
from tests.support import unique

CRITERIA = [
    Criterion(criterion_id="tech", name="Technical approach", weight=60, scale_max=10),
    Criterion(criterion_id="price", name="Price", weight=40, is_price=True),
]


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


async def opened_solicitation(
    civic: Civic, agency_id: str, bids: list[tuple[str, int]], *, kind: str = "RFP",
    multiple: bool = False,
) -> tuple[str, list[str]]:
    """A solicitation opened with ``bids`` as (vendor_id, price in cents); returns its id
    and the bid ids in the same order."""
    await civic.clock.refresh()
    now = civic.clock.now()
    meta = Metadata(occurred_at=now, actor="buyer", actor_role="buyer", agency=agency_id)
    solicitation_id = unique("sol")
    bid_ids = [unique("bid") for _ in bids]
    created = SolicitationCreated(
        solicitation_id=solicitation_id, agency_id=agency_id, solicitation_type=kind,
        title="Road resurfacing", description="Resurface 4 km of arterial road",
        commodity_codes=["72141100"], estimated_value=usd(50_000_000), method="open",
        submission_deadline=now - timedelta(hours=1), questions_deadline=now - timedelta(days=3),
        opening_time=now, criteria=CRITERIA, allows_multiple_awards=multiple)
    tabulation = [TabulationEntry(bid_id=b, vendor_id=v, price=usd(p), received_at=now - timedelta(days=1))
                  for b, (v, p) in zip(bid_ids, bids, strict=True)]
    opened = SolicitationOpened(solicitation_id=solicitation_id, opened_at=now, tabulation=tabulation)
    # streams of their own: these facts stand in for the solicitations service's records
    await civic.store.append(f"upstream-solicitation-{solicitation_id}", None, [created, opened], meta)
    for bid_id, (vendor_id, price) in zip(bid_ids, bids, strict=True):
        unsealed = BidUnsealed(
            bid_id=bid_id, solicitation_id=solicitation_id, vendor_id=vendor_id, price=usd(price),
            responses=[CriterionResponse(criterion_id="tech", text=f"approach of {vendor_id}")],
            received_at=now - timedelta(days=1), acknowledged_addendum=0,
            attestations=Attestations(no_conflict_of_interest=True, non_collusion=True))
        await civic.store.append(f"upstream-bid-{bid_id}", None, [unsealed], meta)
    return solicitation_id, bid_ids


async def approved_vendor(civic: Civic, vendor_id: str, legal_name: str) -> None:
    now = civic.clock.now()
    meta = Metadata(occurred_at=now, actor="vendor", actor_role="vendor")
    await civic.store.append(f"upstream-vendor-{vendor_id}", None, [
        VendorRegistered(vendor_id=vendor_id, owner=unique("u"), legal_name=legal_name,
                         tax_id=unique("")[:9], address=Address(line1="1 Main St", city="Springfield",
                                                                 state="IL", zip="62701"),
                         employees=12, revenue_band="1m-5m"),
        VendorSubmitted(vendor_id=vendor_id, submitted_at=now),
        VendorApproved(vendor_id=vendor_id, approved_at=now, expires_at=now + timedelta(days=365)),
    ], meta)


async def exclude(civic: Civic, legal_name: str) -> None:
    now = civic.clock.now()
    await civic.store.append(f"exclusions-{unique('x')}", None, [ExclusionRecorded(
        exclusion_id=unique("ex"), name=legal_name, reason="debarred for fraud",
        from_date=date(2000, 1, 1))], Metadata(occurred_at=now, actor="admin", actor_role="admin"))
