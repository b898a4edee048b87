"""The ocds projection over a whole contracting process, on real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from infra.container import open_civic
from kernel.errors import DomainError
from projections.ocds import packages, queries, validation
from projections.ocds.merge import compile_releases
from projections.ocds.process import ocid_for
from projections.ocds.values import value
from tests.integration.ocds import scenario
from tests.integration.ocds.published import served_packages, text_of
from tests.support import eventually

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
async def world(isolated):
    settings = await isolated()
    civic = await open_civic(settings, with_nats=False)
    try:
        yield civic
    finally:
        await civic.close()


async def _project(civic) -> None:
    """Apply every stored event (a reader of the global order waits for older transactions
    of the whole server to finish, so one catch-up may stop short)."""
    runner = civic.runner_for("ocds")

    async def caught_up() -> bool:
        await runner.catch_up()
        return await civic.store.count_after(await runner.checkpoint()) == 0

    await eventually(caught_up, timeout=60, what="the ocds projection to catch up")


def _secrets(p: scenario.Process) -> dict[str, str]:
    return {
        "tax id": p.tax_id,
        "contact": p.contact_email,
        "evaluator": p.evaluator,
        "protest grounds": p.protest_grounds,
        "asker": p.asker,
        "ciphertext": p.ciphertext,
        "street": "12 Harbor Way",
    }


def _price_strings(money) -> list[str]:
    return [str(money.amount), json.dumps(value(msgspec_builtins(money))["amount"])]


def msgspec_builtins(money) -> dict:
    return {"amount": money.amount, "currency": money.currency}


async def test_nothing_of_a_sealed_bid_is_published_before_opening(world):
    p = scenario.Process()
    await scenario.append(world.store, scenario.before_opening(p))
    await _project(world)
    served = await served_packages(world.pool)
    assert served, "the published solicitation must be served"
    body = text_of(served)
    for leaked in [
        *_price_strings(p.sealed_price),
        *_price_strings(p.losing_price),
        p.ciphertext,
        p.winning_bid,
        p.losing_bid,
        p.winner,
        p.loser,
        "Cascade Paving",
        "numberOfTenderers",
    ]:
        assert leaked not in body, f"{leaked!r} is public before opening"
    # and once opened, the tenderers and their number are public
    await scenario.append(world.store, scenario.after_opening(p)[:1])
    await _project(world)
    opened = text_of(await served_packages(world.pool))
    assert p.winner in opened and p.loser in opened and '"numberOfTenderers":2' in opened


async def test_every_package_of_a_whole_process_is_valid_ocds(world):
    p = scenario.Process()
    await scenario.append(world.store, scenario.before_opening(p) + scenario.after_opening(p))
    await _project(world)
    served = await served_packages(world.pool)
    assert len(served) > 10
    for package in served:
        assert validation.problems(package) == [], package["uri"]
    body = text_of(served)
    for what, secret in _secrets(p).items():
        assert secret not in body, f"the {what} is published"


async def test_compiled_release_is_the_latest_state_of_the_process(world):
    p = scenario.Process()
    await scenario.append(world.store, scenario.before_opening(p) + scenario.after_opening(p))
    await _project(world)
    ocid = ocid_for(world.settings.ocid_prefix, p.solicitation_id)
    releases = await queries.releases_of(world.pool, ocid)
    assert [r["tag"] for r in releases] == [
        ["planning", "tender"],
        ["tenderUpdate"],
        ["tenderAmendment"],
        ["tenderUpdate"],
        ["award"],
        ["awardUpdate"],
        ["tenderUpdate"],
        ["contract"],
        ["contractUpdate"],
        ["contractUpdate"],
        ["contractAmendment"],
        ["implementation"],
        ["implementationUpdate"],
        ["contractTermination"],
    ]
    compiled = packages.record(ocid, releases)["compiledRelease"]
    assert compiled == compile_releases(releases)
    assert compiled["tag"] == ["compiled"] and compiled["date"] == releases[-1]["date"]

    tender = compiled["tender"]
    assert tender["status"] == "complete"
    assert tender["procurementMethod"] == "open" and tender["mainProcurementCategory"] == "works"
    assert tender["numberOfTenderers"] == 2
    assert tender["tenderPeriod"]["endDate"] == "2026-02-21T07:00:00Z"  # moved by the addendum
    assert [a["id"] for a in tender["amendments"]] == ["addendum-1"]
    assert {d["documentType"] for d in tender["documents"]} == {
        "biddingDocuments",
        "clarifications",
    }
    assert [i["classification"] for i in tender["items"]] == [
        {"scheme": "NIGP", "id": "91300"},
        {"scheme": "NIGP", "id": "74545"},
    ]
    assert compiled["planning"]["budget"]["amount"] == {"amount": 50000, "currency": "USD"}

    [award] = compiled["awards"]
    assert award["status"] == "active" and award["value"] == {"amount": 43219.87, "currency": "USD"}
    assert award["suppliers"] == [{"id": p.winner, "name": "Cascade Paving LLC"}]

    [contract] = compiled["contracts"]
    assert contract["status"] == "terminated" and contract["awardID"] == p.award_id
    assert contract["value"] == {"amount": 48000, "currency": "USD"}  # the amended total
    assert contract["period"] == {
        "startDate": "2026-04-01T00:00:00Z",
        "endDate": "2027-06-30T23:59:59Z",
    }
    assert contract["dateSigned"] == "2026-02-28T11:00:00Z"
    assert [(a["rationale"], a["description"]) for a in contract["amendments"]] == [
        ("Reduced scope", "Value change")
    ]
    assert [
        (t["id"], t["value"]["amount"]) for t in contract["implementation"]["transactions"]
    ] == [
        (p.payment_id, 12500.5),
        (f"{p.payment_id}-interest", 12.34),
        (f"{p.payment_id}-refund-re_1", -0.5),
    ]

    roles = {party["id"]: party["roles"] for party in compiled["parties"]}
    assert roles == {
        p.agency_id: ["buyer", "procuringEntity", "payer"],
        p.winner: ["tenderer", "supplier", "payee"],
        p.loser: ["tenderer"],
    }
    winner = next(party for party in compiled["parties"] if party["id"] == p.winner)
    assert winner["details"]["scale"] == "sme"
    assert [c["id"] for c in winner["details"]["classifications"]] == ["WBE"]
    loser = next(party for party in compiled["parties"] if party["id"] == p.loser)
    assert loser["details"] == {"scale": "large"}


async def test_rebuild_equals_the_live_read_model(world):
    p = scenario.Process()
    await scenario.append(world.store, scenario.before_opening(p))
    await _project(world)  # live: two batches, as events arrive
    await scenario.append(world.store, scenario.after_opening(p))
    await _project(world)

    async def snapshot():
        return {
            table: [tuple(r) for r in await world.pool.fetch(f"SELECT * FROM {table} ORDER BY 1")]
            for table in (
                "ocds_releases",
                "ocds_processes",
                "ocds_organisations",
                "ocds_references",
            )
        }

    live = await snapshot()
    live_text = [r[-1] for r in live["ocds_releases"]]
    await world.runner_for("ocds").rebuild()
    await _project(world)  # events the rebuild could not see yet, as a live runner would
    rebuilt = await snapshot()
    assert [r[-1] for r in rebuilt["ocds_releases"]] == live_text
    assert rebuilt == live
    assert len(live["ocds_releases"]) == 14
    assert (
        await world.pool.fetchval("SELECT count(*) FROM parked_events WHERE projection = 'ocds'")
        == 0
    )


async def test_a_published_release_can_never_change(world):
    p = scenario.Process()
    await scenario.append(world.store, scenario.before_opening(p))
    await _project(world)
    release_id = await world.pool.fetchval("SELECT release_id FROM ocds_releases LIMIT 1")
    import asyncpg

    with pytest.raises(asyncpg.RaiseError, match="immutable"):
        await world.pool.execute(
            "UPDATE ocds_releases SET release = '{}' WHERE release_id = $1", release_id
        )
    with pytest.raises(asyncpg.RaiseError, match="immutable"):
        await world.pool.execute("DELETE FROM ocds_releases WHERE release_id = $1", release_id)
    assert not issubclass(asyncpg.RaiseError, DomainError)


async def test_civic_export_ocds_writes_valid_release_packages_line_by_line(world, tmp_path):
    p = scenario.Process()
    await scenario.append(world.store, scenario.before_opening(p) + scenario.after_opening(p))
    await _project(world)
    env = {
        **os.environ,
        "DATABASE_URL": world.settings.database_url,
        "NATS_URL": world.settings.nats_url,
        "CIVIC_DATA_DIR": str(tmp_path / "data"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "infra.cli",
        "export",
        "ocds",
        "--out",
        str(tmp_path / "out"),
        "--per-package",
        "4",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, stderr.decode()
    lines = (tmp_path / "out" / "releases.jsonl").read_text().splitlines()
    assert len(lines) == 4, stdout.decode()  # 14 releases, 4 to a package
    exported = []
    for line in lines:
        package = json.loads(line)
        assert validation.problems(package) == []
        exported.extend(r["id"] for r in package["releases"])
    assert exported == [
        r["id"] for r in (await queries.release_page(world.pool, per_page=1000)).items
    ]
