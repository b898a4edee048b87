"""Clients finalising the same award at once, through a second server process on the
same store: the award is finalised once and opens exactly one contract."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from tests.e2e.awards.test_award_flow_http import (
    Parties,
    _advance,
    _evaluate,
    _evaluation_ready,
    _recommend,
)
from tests.reliability import processes
from tests.support import eventually, many_requests
from tests.upstream import opened_solicitation

CONCURRENT = 100
API = "/api/v1"


async def test_racing_finalisations_make_one_award_and_one_contract(client, token, civic, settings, tmp_path):
    p = Parties(token)
    solicitation_id, (bid_x, bid_y) = await opened_solicitation(
        civic, p.agency, [(p.vx, 10_000_000), (p.vy, 8_000_000)])
    await _evaluation_ready(client, solicitation_id, p.buyer, 2)
    await _evaluate(client, p, solicitation_id, bid_x, bid_y)
    now = await _advance(client, token, 0)
    award = await _recommend(client, p, solicitation_id, now, protest_window_business_days=1)
    await _advance(client, token, 4 * 86400)  # past the protest window

    api = processes.api(settings.with_(data_dir=tmp_path))
    api.start()
    try:
        limits = many_requests(CONCURRENT)
        async with httpx.AsyncClient(base_url=api.base_url, timeout=60, limits=limits) as http:
            responses = await asyncio.gather(*[
                http.post(f"{API}/awards/{award['award_id']}/finalize", headers=p.buyer)
                for _ in range(CONCURRENT)])
    finally:
        api.stop()
    statuses = Counter(r.status_code for r in responses)
    print("racing finalisations:", dict(statuses))
    assert set(statuses) <= {200, 409} and statuses[200] >= 1, statuses
    finalized = await civic.pool.fetchval(
        "SELECT count(*) FROM events WHERE type = 'awards.AwardFinalized.v1' AND data->>'award_id' = $1",
        award["award_id"])
    assert finalized == 1, "the award was finalised more than once"

    async def contracts():
        r = await client.get(f"{API}/contracts", params={"award_id": award["award_id"]}, headers=p.admin)
        return r.status_code == 200 and r.json()

    found = await eventually(contracts, what="the contract of the award")
    await asyncio.sleep(1)  # a second contract, if one were opened, would show by now
    opened = await civic.pool.fetchval(
        "SELECT count(*) FROM events WHERE type = 'contracts.ContractOpened.v1' AND data->>'award_id' = $1",
        award["award_id"])
    assert opened == 1 and len(found) == 1, "one award, one contract"
