"""Two registrations racing for one EIN: the claim stream lets exactly one commit."""

from __future__ import annotations

import asyncio
import random

import pytest

from kernel.context import Actor
from kernel.errors import Conflict
from services.vendors.deciders.tax_id import TAX_ID, ClaimTaxId
from tests.support import unique

ACTOR = Actor(sub="owner-1", role="vendor")


async def test_the_second_of_two_overlapping_claims_fails_and_stores_nothing(civic):
    digits = f"{random.randrange(10**9):09d}"
    key, ein = digits, f"{digits[:2]}-{digits[2:]}"
    first, second = unique("v"), unique("v")
    async with civic.pool.acquire() as a, civic.pool.acquire() as b:
        tx_a, tx_b = a.transaction(), b.transaction()
        await tx_a.start()
        await tx_b.start()
        try:
            # both have read the claim stream empty before either appends
            assert (await civic.executor.load(TAX_ID, key, conn=a))[1] == 0
            assert (await civic.executor.load(TAX_ID, key, conn=b))[1] == 0
            await civic.executor.execute(TAX_ID, key, ClaimTaxId(tax_id=ein, vendor_id=first), ACTOR,
                                         expected_version=0, conn=a)
            racing = asyncio.create_task(civic.executor.execute(
                TAX_ID, key, ClaimTaxId(tax_id=ein, vendor_id=second), ACTOR, expected_version=0, conn=b))
            await asyncio.sleep(0.3)
            assert not racing.done(), "the second append waits for the first transaction"
            await tx_a.commit()
            with pytest.raises(Conflict) as err:
                await racing
            assert err.value.code == "version_conflict"
        finally:
            await tx_b.rollback()
    claim, version = await civic.executor.load(TAX_ID, key)
    assert (claim.holder, version) == (first, 1)
