"""The vendor standing read model, fed by stored vendor events through the runner."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from events.base import Metadata
from events.vendors import (
    Address,
    CertificationAdded,
    CertificationExpired,
    CertificationVerified,
    ExclusionRecorded,
    UserInvited,
    VendorApproved,
    VendorRegistered,
    VendorRegistrationExpired,
    VendorSubmitted,
)
from services.vendors.facts import (
    list_exclusions,
    matching_exclusions,
    vendor_standing,
    vendors_of_user,
)
from tests.support import eventually, unique

T0 = datetime(2031, 3, 1, 12, tzinfo=UTC)


def registered(vendor_id: str, owner: str, legal_name: str, tax_id: str) -> VendorRegistered:
    return VendorRegistered(
        vendor_id=vendor_id, owner=owner, legal_name=legal_name, tax_id=tax_id,
        address=Address(line1="1 Main St", city="Springfield", state="IL", zip="62701"),
        employees=12, revenue_band="1M-5M", commodity_codes=["91500"], local_agencies=["ag1"],
    )


async def append(civic, stream: str, *events) -> None:
    await civic.store.append(stream, None, list(events), Metadata(occurred_at=T0))


async def project(civic, check) -> None:
    """Apply stored events to the read model until ``check(conn)`` holds (live runners may share it)."""
    runner = civic.runner_for("vendor_standing")

    async def done():
        await runner.catch_up()
        async with civic.pool.acquire() as conn:
            return await check(conn)

    await eventually(done, what="the vendor standing read model")


def unique_ein() -> str:
    digits = f"{int(unique(''), 16) % 10**9:09d}"
    return f"{digits[:2]}-{digits[2:]}"


async def test_standing_follows_the_registration_lifecycle(civic):
    vendor_id, owner, colleague = unique("v"), unique("u"), unique("u")
    await append(
        civic, f"vendor-{vendor_id}",
        registered(vendor_id, owner, f"Standing Test {vendor_id}", unique_ein()),
        VendorSubmitted(vendor_id=vendor_id),
        VendorApproved(vendor_id=vendor_id, approved_at=T0, expires_at=T0 + timedelta(days=365)),
        UserInvited(vendor_id=vendor_id, user=colleague),
        CertificationAdded(vendor_id=vendor_id, cert_id="c1", program="WBE", issuing_body="State of IL",
                           number="W-1", effective_date=date(2031, 1, 1), expiry_date=date(2031, 12, 31)),
        CertificationVerified(vendor_id=vendor_id, cert_id="c1", verified_at=T0),
        CertificationAdded(vendor_id=vendor_id, cert_id="c2", program="MBE", issuing_body="City",
                           number="M-1", effective_date=date(2031, 1, 1), expiry_date=date(2031, 12, 31)),
    )

    async def all_projected(conn):
        found = await vendor_standing(conn, vendor_id, T0)
        return found is not None and len(found.certifications) == 2

    await project(civic, all_projected)
    async with civic.pool.acquire() as conn:
        standing = await vendor_standing(conn, vendor_id, T0)
        assert standing is not None
        assert standing.status == "approved"
        assert sorted(standing.users) == sorted([owner, colleague])
        assert standing.can_bid(T0)
        assert not standing.can_bid(T0 + timedelta(days=366))
        assert standing.certified("WBE", date(2031, 6, 1))
        assert not standing.certified("WBE", date(2032, 1, 1))
        assert not standing.certified("MBE", date(2031, 6, 1)), "pending is not certified"
        assert await vendors_of_user(conn, colleague) == [vendor_id]
        assert await vendor_standing(conn, unique("missing"), T0) is None

    await append(civic, f"vendor-{vendor_id}",
                 CertificationExpired(vendor_id=vendor_id, cert_id="c1"),
                 VendorRegistrationExpired(vendor_id=vendor_id))

    async def expired(conn):
        return (await vendor_standing(conn, vendor_id, T0)).status == "expired"

    await project(civic, expired)
    async with civic.pool.acquire() as conn:
        standing = await vendor_standing(conn, vendor_id, T0)
        assert standing.status == "expired"
        assert not standing.can_bid(T0)
        assert standing.certified("WBE", date(2031, 6, 1)), "a past period keeps what was valid then"
        assert [c.status for c in standing.certifications] == ["expired", "pending"]


async def test_exclusions_match_by_tax_id_or_normalised_name_within_their_dates(civic):
    by_tax, by_name, clean = unique("v"), unique("v"), unique("v")
    ein = unique_ein()
    name = f"Debarred Works {unique('')}"
    for vendor_id, legal, tax in ((by_tax, f"Other Name {by_tax}", ein),
                                  (by_name, f"{name.upper()}, Inc.", unique_ein()),
                                  (clean, f"Clean {clean}", unique_ein())):
        await append(civic, f"vendor-{vendor_id}", registered(vendor_id, unique("u"), legal, tax),
                     VendorApproved(vendor_id=vendor_id, approved_at=T0, expires_at=T0 + timedelta(days=365)))
    first, second = unique("ex"), unique("ex")
    await append(civic, f"exclusion-{first}", ExclusionRecorded(
        exclusion_id=first, name="Unrelated LLC", tax_id=ein.replace("-", ""), reason="fraud",
        from_date=date(2031, 2, 1), to_date=date(2031, 4, 30)))
    await append(civic, f"exclusion-{second}", ExclusionRecorded(
        exclusion_id=second, name=name, reason="bid rigging", from_date=date(2031, 3, 15)))

    async def listed(conn):
        return await conn.fetchval("SELECT count(*) = 2 FROM vendor_exclusions WHERE exclusion_id = ANY($1)",
                                   [first, second])

    await project(civic, listed)
    async with civic.pool.acquire() as conn:
        taxed = await vendor_standing(conn, by_tax, T0)
        assert taxed.excluded and taxed.exclusion_reasons == ["fraud"] and not taxed.can_bid(T0)
        assert not (await vendor_standing(conn, by_tax, T0 + timedelta(days=90))).excluded, "after to_date"
        named = await vendor_standing(conn, by_name, T0)
        assert not named.excluded, "before from_date"
        later = await vendor_standing(conn, by_name, T0 + timedelta(days=30))
        assert later.excluded and later.exclusion_reasons == ["bid rigging"]
        assert (await vendor_standing(conn, clean, T0 + timedelta(days=30))).can_bid(T0 + timedelta(days=30))
        matches = await matching_exclusions(conn, ein, "anything", date(2031, 3, 1))
        assert [m.exclusion_id for m in matches] == [first]
        rows, total = await list_exclusions(conn, tax_id=ein)
        assert total == 1 and rows[0].reason == "fraud"
