"""Solicitation search against real PostgreSQL: relevance, filters, visibility, pages, facets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kernel.errors import Invalid
from projections.search.projection import SearchProjection
from projections.search.solicitation_query import SolicitationSearch, search_solicitations
from tests.integration.search import builders as b

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
async def marketplace(readmodel):
    store = readmodel.store
    past = NOW - 30 * DAY
    await b.append(store, "agency-parks", [b.agency("parks", "Parks Department")], past)
    await b.append(store, "agency-transit", [b.agency("transit", "Transit Authority")], past)
    road = b.solicitation("s-road", "parks", "Road resurfacing on Main Street",
                          description="Asphalt paving and striping of three miles.", deadline=NOW + 3 * DAY,
                          time_zone="America/Los_Angeles")
    clean = b.solicitation("s-clean", "parks", "Janitorial services for city hall", kind="ITB",
                           description="Nightly cleaning of offices.", codes=("76111500",),
                           value=80_000_00, set_aside="small_business", deadline=NOW + 20 * DAY)
    laptops = b.solicitation("s-laptops", "transit", "Laptops for dispatch staff", kind="RFQ",
                             description="Two hundred rugged notebooks.", codes=("43211503",),
                             value=300_000_00, set_aside="MBE", deadline=NOW + 10 * DAY)
    shelter = b.solicitation("s-shelter", "transit", "Bus shelter cleaning", description="Draft scope.",
                             codes=("76111500",), deadline=NOW + 40 * DAY)
    bridge = b.solicitation("s-bridge", "parks", "Bridge deck repair",
                            description="Paving of the bridge approach road.", deadline=NOW - 2 * DAY)
    salt = b.solicitation("s-salt", "transit", "Road salt supply", kind="ITB", codes=("12352300",),
                          value=50_000_00, deadline=NOW - 20 * DAY)
    for created in (road, clean, laptops, bridge, salt):
        await b.append(store, f"solicitation-{created.solicitation_id}",
                       [created, b.published(created, past)], past)
    await b.append(store, "solicitation-s-shelter", [shelter], past)
    await b.append(store, "solicitation-s-laptops",
                   [b.addendum("s-laptops", 1, "Docking stations added", "Each laptop ships with a dock.",
                               NOW + 10 * DAY)], past + DAY)
    await b.append(store, "solicitation-s-salt", [b.closed("s-salt", NOW - 20 * DAY), b.awarded("s-salt")],
                   NOW - 10 * DAY)
    await b.project(readmodel, SearchProjection())
    return readmodel


async def _ids(civic, **criteria) -> list[str]:
    async with civic.pool.acquire() as conn:
        results = await search_solicitations(conn, SolicitationSearch(now=NOW, **criteria))
    return [hit.id for hit in results.items]


async def test_text_search_ranks_title_matches_first_and_highlights(marketplace):
    async with marketplace.pool.acquire() as conn:
        results = await search_solicitations(conn, SolicitationSearch(q="road paving", now=NOW))
    assert [h.id for h in results.items] == ["s-road", "s-bridge"]
    assert results.items[0].score > results.items[1].score
    assert "<mark>" in results.items[1].snippet
    assert results.items[0].agency_name == "Parks Department"


async def test_a_hit_shows_its_deadline_on_the_agencys_clocks_beside_the_instant(marketplace):
    async with marketplace.pool.acquire() as conn:
        results = await search_solicitations(conn, SolicitationSearch(q="road paving", now=NOW))
    road, bridge = results.items
    # 12:00 UTC on Thursday 5 March 2026 is 04:00 Pacific Standard Time
    assert road.submission_deadline == NOW + 3 * DAY and road.time_zone == "America/Los_Angeles"
    local = road.local_submission_deadline
    assert local is not None and local == road.submission_deadline
    assert (local.hour, local.utcoffset()) == (4, timedelta(hours=-8))
    assert bridge.time_zone == "UTC" and bridge.local_submission_deadline == bridge.submission_deadline


async def test_commodity_descriptions_and_addenda_are_searchable(marketplace):
    # "computer" appears only in the UNSPSC description of 43211503, "dock" only in an addendum
    assert await _ids(marketplace, q="computer") == ["s-laptops"]
    assert await _ids(marketplace, q="docking") == ["s-laptops"]
    assert await _ids(marketplace, q="janitorial", status=("open",)) == ["s-clean"]


async def test_status_filters_follow_the_request_time(marketplace):
    assert await _ids(marketplace, status=("open",)) == ["s-road", "s-laptops", "s-clean"]
    assert await _ids(marketplace, status=("closing",), closing_within_days=5) == ["s-road"]
    assert await _ids(marketplace, status=("closed",)) == ["s-bridge"]
    assert await _ids(marketplace, status=("awarded",)) == ["s-salt"]
    # a week later the road job is past its deadline: closed, though no event said so yet
    later = await _ids(marketplace, status=("closed",))
    async with marketplace.pool.acquire() as conn:
        week = await search_solicitations(conn, SolicitationSearch(status=("closed",), now=NOW + 7 * DAY))
    assert later == ["s-bridge"] and [h.id for h in week.items] == ["s-bridge", "s-road"]


async def test_field_filters(marketplace):
    assert await _ids(marketplace, agency=("transit",)) == ["s-salt", "s-laptops"]
    assert await _ids(marketplace, commodity=("7214",)) == ["s-bridge", "s-road"]
    assert await _ids(marketplace, commodity=("432",)) == ["s-laptops"]
    assert await _ids(marketplace, type=("ITB",)) == ["s-salt", "s-clean"]
    assert await _ids(marketplace, set_aside=("MBE", "small_business")) == ["s-laptops", "s-clean"]
    assert await _ids(marketplace, value_min=60_000_00, value_max=200_000_00) == ["s-bridge", "s-road", "s-clean"]
    assert await _ids(marketplace, deadline_from=NOW, deadline_to=NOW + 15 * DAY) == ["s-road", "s-laptops"]


async def test_drafts_are_visible_only_to_the_owning_agency(marketplace):
    assert "s-shelter" not in await _ids(marketplace, q="shelter")
    assert await _ids(marketplace, q="shelter", drafts_of="transit") == ["s-shelter"]
    assert await _ids(marketplace, q="shelter", drafts_of="parks") == []
    assert await _ids(marketplace, status=("draft",), drafts_of="transit") == ["s-shelter"]
    with pytest.raises(Invalid) as refused:
        await _ids(marketplace, status=("draft",))
    assert refused.value.details[0]["field"] == "status"


@pytest.mark.parametrize("sort", ["deadline", "published", "relevance"])
async def test_keyset_pages_cover_every_match_once(marketplace, sort):
    q = "road OR janitorial OR laptops OR bridge OR salt" if sort == "relevance" else None
    async with marketplace.pool.acquire() as conn:
        full = await search_solicitations(conn, SolicitationSearch(q=q, sort=sort, limit=100, now=NOW))
        seen: list[str] = []
        cursor = None
        while True:
            page = await search_solicitations(
                conn, SolicitationSearch(q=q, sort=sort, limit=2, cursor=cursor, facets=False, now=NOW))
            seen.extend(h.id for h in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
    assert len(full.items) == 5
    assert seen == [h.id for h in full.items]


async def test_a_cursor_only_fits_its_own_query(marketplace):
    async with marketplace.pool.acquire() as conn:
        first = await search_solicitations(conn, SolicitationSearch(limit=1, now=NOW))
        with pytest.raises(Invalid) as foreign:
            await search_solicitations(conn, SolicitationSearch(limit=1, agency=("parks",),
                                                                cursor=first.next_cursor, now=NOW))
        with pytest.raises(Invalid):
            await search_solicitations(conn, SolicitationSearch(cursor="not-a-cursor", now=NOW))
    assert foreign.value.details[0]["field"] == "cursor"


async def test_facets_count_every_match(marketplace):
    async with marketplace.pool.acquire() as conn:
        results = await search_solicitations(conn, SolicitationSearch(limit=1, now=NOW))
    counts = {name: {f.value: f.count for f in facets} for name, facets in results.facets.items()}
    assert results.total == 5
    assert counts["status"] == {"open": 3, "closing": 1, "closed": 1, "awarded": 1}
    assert counts["agency"] == {"parks": 3, "transit": 2}
    assert counts["type"] == {"RFP": 2, "ITB": 2, "RFQ": 1}
    assert counts["set_aside"] == {"none": 3, "MBE": 1, "small_business": 1}
    assert {f.label for f in results.facets["agency"]} == {"Parks Department", "Transit Authority"}


async def test_every_page_carries_the_counts_of_all_matches(marketplace):
    async with marketplace.pool.acquire() as conn:
        first = await search_solicitations(conn, SolicitationSearch(limit=4, now=NOW))
        second = await search_solicitations(conn, SolicitationSearch(limit=4, cursor=first.next_cursor, now=NOW))
    assert len(first.items) == 4 and len(second.items) == 1 and second.next_cursor is None
    assert first.total == second.total == 5
    assert first.facets == second.facets
