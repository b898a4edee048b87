"""Idempotency and rebuild of the search projection, on a fresh database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from projections.search.projection import SearchProjection
from tests.integration.search import builders as b

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def test_replays_change_nothing_and_rebuild_equals_live(readmodel):
    store = readmodel.store
    await b.append(store, "agency-a", [b.agency("a", "Roads Agency")], T0)
    for i in range(6):
        created = b.solicitation(f"s{i}", "a", f"Culvert repair lot {i}", description="Replace culverts.",
                                 deadline=T0 + timedelta(days=10 + i))
        await b.append(store, f"solicitation-s{i}", [created, b.published(created, T0)], T0)
    await b.append(store, "solicitation-s1", [b.addendum("s1", 1, "Site visit", "Mandatory site visit added.",
                                                         T0 + timedelta(days=20))], T0 + timedelta(days=1))
    await b.append(store, "solicitation-s2", [b.closed("s2", T0 + timedelta(days=12)), b.awarded("s2")],
                   T0 + timedelta(days=12))
    await b.append(store, "vendor-v1", [b.vendor("v1", "Acme Culverts"), b.approved("v1", T0),
                                        b.certification("v1", "c1", "SBE", date(2025, 1, 1), date(2027, 1, 1)),
                                        b.verified("v1", "c1", T0)], T0)
    await b.append(store, "vendor-v1", [b.cert_expired("v1", "c1")], T0 + timedelta(days=3))
    await b.replay_checks(readmodel, SearchProjection())
