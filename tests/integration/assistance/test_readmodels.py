"""The assistance and red-flag read models: built by the runner from stored events, and a
rebuild (which recomputes every embedding) equals the live model."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from events.awards import AwardFinalized, BidResponsivenessRecorded, ScoresFinalized
from events.base import Money
from events.contracts import ContractModified, ContractOpened
from events.solicitations import SolicitationOpened, TabulationEntry
from events.vendors import VendorFlaggedExcluded, VendorProfileUpdated
from infra.container import open_civic
from projections.risk_flags.projection import RiskFlagsProjection
from services.assistance.embedding import encoder
from services.assistance.readmodel import AssistanceProjection
from tests.integration.search import builders as b

T0 = datetime(2026, 3, 2, 15, tzinfo=UTC)
USD = "USD"


async def _rows(civic, query: str) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v) for v in r.values()) for r in await civic.pool.fetch(query))


async def _assistance_snapshot(civic) -> dict[str, list[tuple[str, ...]]]:
    return {
        "vendors": await _rows(civic, "SELECT vendor_id, status, excluded, commodity_codes, capability, users,"
                                      " md5(embedding) FROM assist_vendors"),
        "solicitations": await _rows(civic, "SELECT solicitation_id, status, title, submission_deadline,"
                                            " md5(embedding) FROM assist_solicitations"),
        "certs": await _rows(civic, "SELECT * FROM assist_vendor_certs"),
        "contracts": await _rows(civic, "SELECT contract_id, status, value_amount FROM assist_contracts"),
    }


async def test_assistance_embeds_what_vendors_and_buyers_wrote(isolated):
    civic = await open_civic(await isolated(), with_nats=False)
    try:
        store = civic.store
        await b.append(store, "agency-a", [b.agency("a", "Roads Agency")], T0)
        paving = b.vendor("v1", "Acme Paving", codes=("72141100",))
        await b.append(store, "vendor-v1", [paving, b.approved("v1", T0)], T0)
        await b.append(store, "vendor-v1", [VendorProfileUpdated(
            vendor_id="v1", capability_statement="Asphalt overlay and pothole patching")], T0)
        created = b.solicitation("s1", "a", "Arterial road resurfacing", description="Repave streets",
                                 deadline=T0 + timedelta(days=30))
        await b.append(store, "solicitation-s1", [created, b.published(created, T0)], T0)
        runner = await b.project(civic, AssistanceProjection())
        live = await _assistance_snapshot(civic)
        assert [r[:2] for r in live["vendors"]] == [("v1", "approved")]
        assert live["solicitations"][0][1] == "published"
        blob = await civic.pool.fetchval("SELECT embedding FROM assist_vendors WHERE vendor_id = 'v1'")
        text = "Asphalt overlay and pothole patching"
        assert float(np.frombuffer(blob, dtype="<f4") @ encoder().embed_one(text)) > 0.6  # the capability statement is in it
        await runner.rebuild()
        assert await _assistance_snapshot(civic) == live
    finally:
        await civic.close()


def _tab(bid: str, vendor: str, amount: int) -> TabulationEntry:
    return TabulationEntry(bid_id=bid, vendor_id=vendor, price=Money(amount=amount, currency=USD), received_at=T0)


async def test_red_flags_follow_a_process_and_a_rebuild_raises_the_same(isolated):
    civic = await open_civic(await isolated(), with_nats=False)
    try:
        store = civic.store
        await b.append(store, "agency-a", [b.agency("a", "Roads Agency")], T0)
        # published on the 2nd with a deadline ten days later: short for an open process
        created = b.solicitation("s1", "a", "Culvert repair", value=100_000_00, deadline=T0 + timedelta(days=10))
        await b.append(store, "solicitation-s1", [created, b.published(created, T0)], T0)
        opened = T0 + timedelta(days=10)
        await b.append(store, "solicitation-s1", [SolicitationOpened(
            solicitation_id="s1", opened_at=opened,
            tabulation=[_tab("b1", "v1", 80_000_00), _tab("b2", "v2", 99_800_00), _tab("b3", "v3", 99_800_00)])],
            opened)
        await b.append(store, "evaluation-s1", [
            BidResponsivenessRecorded(solicitation_id="s1", bid_id="b1", vendor_id="v1", responsive=False,
                                      reason="unsigned", recorded_by="e1", recorded_at=opened),
            ScoresFinalized(solicitation_id="s1", basis="lowest_price", ranking=[], excluded_bids=["b1"],
                            finalized_by="e1", finalized_at=opened),
            AwardFinalized(award_id="aw1", solicitation_id="s1", agency_id="a", vendor_id="v2",
                           value=Money(amount=99_800_00, currency=USD), decided_by="b", rationale="lowest",
                           finalized_at=opened, bid_id="b2"),
        ], opened)
        await b.append(store, "vendor-v2", [VendorFlaggedExcluded(vendor_id="v2", exclusion_ids=["x"],
                                                                  reasons=["debarred"])], opened)
        await b.append(store, "contract-c1", [
            ContractOpened(contract_id="c1", award_id="aw1", solicitation_id="s1", agency_id="a", vendor_id="v2",
                           value=Money(amount=99_800_00, currency=USD), start_date=date(2026, 4, 1),
                           end_date=date(2027, 4, 1), terms_ref="", requires_receipt=False),
            ContractModified(contract_id="c1", number=1, reason="more culverts",
                             value=Money(amount=130_000_00, currency=USD), end_date=date(2027, 4, 1),
                             modified_at=opened + timedelta(days=40)),
        ], opened)
        runner = await b.project(civic, RiskFlagsProjection())
        query = "SELECT solicitation_id, code, scope, as_of, detail FROM rf_flags"
        live = await _rows(civic, query)
        assert sorted(r[1] for r in live) == sorted([
            "short_submission_period", "lowest_bid_disqualified", "identical_bid_prices", "price_close_to_estimate",
            "price_close_to_next_bid",
            "excluded_vendor_awarded", "large_amendments"])
        await runner.rebuild()
        assert await _rows(civic, query) == live
    finally:
        await civic.close()
