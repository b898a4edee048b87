"""The exclusion reactor flags a vendor whichever of vendor and exclusion was recorded first."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from events.vendors import Address, Contact, VendorFlaggedExcluded, VendorProfileUpdated
from infra.container import open_civic
from kernel.context import Actor
from services.vendors.commands import RegisterVendor, UpdateProfile
from services.vendors.deciders.exclusion import EXCLUSION, RecordExclusion, exclusion_id_for
from services.vendors.deciders.vendor import VENDOR
from services.vendors.reactors import ExclusionFlagger
from tests.support import eventually

ADMIN = Actor(sub="admin-1", role="admin")
OWNER = Actor(sub="owner-1", role="vendor")


def registration(vendor_id: str, legal_name: str, tax_id: str) -> RegisterVendor:
    return RegisterVendor(
        vendor_id=vendor_id, legal_name=legal_name, tax_id=tax_id,
        address=Address(line1="1 Main St", city="Springfield", state="IL", zip="62701"),
        contacts=[Contact(name="Ana", email="ana@example.com")], employees=3, revenue_band="under_1m",
        commodity_codes=["91500"],
    )


async def exclude(civic, name: str, tax_id: str | None, start: date, end: date | None = None) -> str:
    exclusion_id = exclusion_id_for(name, tax_id, start)
    await civic.executor.execute(EXCLUSION, exclusion_id, RecordExclusion(
        exclusion_id=exclusion_id, name=name, tax_id=tax_id, reason=f"excluded: {name}", from_date=start,
        to_date=end), ADMIN)
    return exclusion_id


async def events_of(civic, vendor_id: str):
    return await civic.store.read_stream(VENDOR.stream_id(vendor_id))


async def visible(civic, count: int):
    """All stored events once ``count`` are readable in global order (older transactions
    anywhere on the server hold the reading horizon back for a moment)."""
    async def read():
        found = await civic.store.read_all()
        return found if len(found) >= count else None

    return await eventually(read, what=f"{count} events in global order")


async def caught_up(runner, position):
    async def moved():
        await runner.catch_up()
        return await runner.checkpoint() >= position

    await eventually(moved, what="the standing model to catch up")


@pytest.fixture
async def quiet_civic(isolated):
    """A marketplace of its own without workers: the test decides when each runner moves."""
    civic = await open_civic(await isolated())
    yield civic
    await civic.close()


async def test_flags_follow_whichever_event_comes_last(quiet_civic):
    civic = quiet_civic
    flagger = ExclusionFlagger(civic)
    standing = civic.runner_for("vendor_standing")
    today = civic.clock.now().date()

    # vendor first, exclusion (by tax id) later
    await civic.executor.execute(VENDOR, "early", registration("early", "Early Bird LLC", "12-1111111"), OWNER)
    ex_tax = await exclude(civic, "Unrelated Name", "121111111", today)
    # exclusion first, vendor later (registration did not see it: the model lagged)
    ex_name = await exclude(civic, "LATE COMER, INC.", None, today - timedelta(days=1))
    await civic.executor.execute(VENDOR, "late", registration("late", "Late Comer", "12-2222222"), OWNER)
    # an exclusion already over flags nobody
    await exclude(civic, "Clean Slate", None, today - timedelta(days=900), today - timedelta(days=400))
    await civic.executor.execute(VENDOR, "clean", registration("clean", "Clean Slate", "12-3333333"), OWNER)

    stored = await visible(civic, 6)
    # the standing model is applied with every vendor event (inline): never behind the store
    assert await standing.checkpoint() >= stored[-1].position
    await caught_up(standing, stored[-1].position)
    for recorded in stored:
        if recorded.type in flagger.types:
            await flagger.react(recorded)
            await flagger.react(recorded)  # redelivery appends nothing more

    early = [e for e in await events_of(civic, "early") if isinstance(e.event, VendorFlaggedExcluded)]
    assert [e.event.exclusion_ids for e in early] == [[ex_tax]]
    late = [e for e in await events_of(civic, "late") if isinstance(e.event, VendorFlaggedExcluded)]
    assert [e.event.exclusion_ids for e in late] == [[ex_name]]
    assert not [e for e in await events_of(civic, "clean") if isinstance(e.event, VendorFlaggedExcluded)]

    # a change of legal name onto the list is flagged too
    await civic.executor.execute(VENDOR, "clean", UpdateProfile(legal_name="Late Comer Co."), OWNER)
    renamed = (await visible(civic, 9))[-1]
    assert isinstance(renamed.event, VendorProfileUpdated)
    await caught_up(standing, renamed.position)
    await flagger.react(renamed)
    flags = [e for e in await events_of(civic, "clean") if isinstance(e.event, VendorFlaggedExcluded)]
    assert [e.event.exclusion_ids for e in flags] == [[ex_name]]
