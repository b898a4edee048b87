"""The demo marketplace, generated through the routes into a database of its own, is what
a new user finds through the read routes; the same seed builds the same marketplace."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from infra.settings import Settings
from infra.smtp_server import MailStore, mail_folder
from projections.ocds.process import ocid_for
from services.demo.api import Api
from services.demo.generate import AlreadyLoaded, generate, stripe_outcomes
from services.demo.plan import SPAN
from services.demo.scale import PRESETS, Scale
from services.demo.summary import Summary
from services.demo.targets import in_process, marketplace_in_process
from services.notifications import cli as mail_cli
from tests.support import TEST_WEBHOOK_SECRET, caught_up, eventually

API = "/api/v1"


@asynccontextmanager
async def _demo(isolated, localstripe, seed: int, scale: Scale) -> AsyncIterator[tuple[Any, Api, Summary]]:
    """A marketplace of its own (database, stream, app with workers) loaded with the demo."""
    settings: Settings = (await isolated()).with_(
        stripe_api_base=localstripe.api_base, stripe_api_key=localstripe.api_key,
        stripe_webhook_secret=TEST_WEBHOOK_SECRET)
    async with marketplace_in_process(settings) as api:
        summary = await generate(api, seed, scale, stripe=stripe_outcomes(settings))
        await caught_up(api.settings)  # every read model holds the demo's last events
        yield api.http, api, summary


async def _all_solicitations(client) -> list[dict[str, Any]]:
    found, cursor = [], None
    while True:
        params = {"limit": 100, "facets": "false"} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(f"{API}/search/solicitations", params=params)).json()
        found += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return found


async def _settled_solicitations(client, summary: Summary) -> list[dict[str, Any]]:
    """Every published solicitation of the demo, once search shows them all with the
    decided outcomes the summary counted (search is eventually consistent)."""
    published = sum(n for key, n in summary.counts.items() if key.startswith("solicitations.type."))
    decided = Counter({s: summary.counts.get(f"solicitations.{s}", 0) for s in ("awarded", "cancelled", "unsuccessful")})

    async def listed():
        found = await _all_solicitations(client)
        outcomes = Counter(s["status"] for s in found if s["status"] in decided)
        return found if len(found) == published and outcomes == +decided else None

    return await eventually(listed, timeout=60, what="the demo's solicitations in search")


async def test_the_demo_marketplace_is_what_the_read_routes_show(isolated, localstripe):
    async with _demo(isolated, localstripe, seed=11, scale=PRESETS["tiny"]) as (client, api, summary):
        counts = summary.counts
        published = sum(n for key, n in counts.items() if key.startswith("solicitations.type."))

        # search: every published solicitation and none of the drafts, with their outcomes
        decided = {status: counts.get(f"solicitations.{status}", 0)
                   for status in ("awarded", "cancelled", "unsuccessful")}

        async def searchable():
            found = (await client.get(f"{API}/search/solicitations", params={"limit": 1})).json()
            statuses = {f["value"]: f["count"] for f in found["facets"]["status"]}
            seen = {status: statuses.get(status, 0) for status in decided}
            return statuses if found["total"] == published and seen == decided else None

        statuses = await eventually(searchable, timeout=60, what="the demo's solicitations in search")
        assert statuses.get("open", 0) >= counts["solicitations.open"] >= 1
        assert decided["awarded"] >= 1 and decided["cancelled"] >= 1 and decided["unsuccessful"] >= 1
        assert {s["type"] for s in await _all_solicitations(client)} == {"RFI", "RFQ", "RFP", "ITB"}

        # the directory lists approved vendors (and those whose registration lapsed)
        directory = (await client.get(f"{API}/search/vendors", params={"limit": 100})).json()["items"]
        assert len(directory) >= counts["vendors.approved"] - counts.get("vendors.excluded", 0) > 0
        assert {v["status"] for v in directory} <= {"approved", "expired"}

        # contracts: signed by both parties, some still active, some completed by their term
        expected = Counter({status: counts.get(f"contracts.{status}", 0) for status in ("active", "completed")})

        async def contracts_listed():
            listed = (await client.get(f"{API}/contracts", headers=api.admin, params={"limit": 200})).json()
            return listed if +Counter(c["status"] for c in listed) == +expected else None

        contracts = await eventually(contracts_listed, timeout=30, what="the demo's contracts by status")
        assert expected["active"] >= 1
        assert len(contracts) == counts["contracts.signed"] == counts["awards"]

        # pilots: some met their KPIs and scaled through their option, some did not (the
        # option lapsed, the security attestation is overdue)
        assert counts["contracts.pilots"] == counts["contracts.pilots_scaled"] + counts["contracts.pilots_not_scaled"]
        read = [(await client.get(f"{API}/contracts/{c['id']}", headers=api.admin)).json() for c in contracts]
        piloted = [c for c in read if c["phases"]]
        assert len(piloted) == counts["contracts.pilots"] >= 2
        assert counts["contracts.pilots_scaled"] >= 1 and counts["contracts.pilots_not_scaled"] >= 1
        scaled = [c for c in piloted if c["phases"][0]["review_status"] == "passed"]
        assert len(scaled) == counts["contracts.pilots_scaled"]
        assert all(c["options"][0]["status"] == "exercised" for c in scaled)
        assert all(c["deliverables"][0]["due"][0]["status"] == "accepted" for c in scaled)
        for c in piloted:
            if c["phases"][0]["review_status"] == "not_met":
                assert c["options"][0]["status"] in ("open", "lapsed")
                assert c["deliverables"][0]["due"][0]["status"] == "due"

        # payments went through Stripe; the prompt-payment report counts them, late ones apart
        agencies = {c["agency_id"] for c in contracts}
        reports = [(await client.get(f"{API}/reports/prompt-payment", headers=api.admin,
                                     params={"agency": a})).json() for a in agencies]
        assert sum(r["payments"] for r in reports) == counts["payments.succeeded"] > 0
        assert sum(r["paid_on_time"] for r in reports) == counts["payments.on_time"]
        assert counts["payments.late"] > 0

        # open data: an awarded process is published with its award, contract and payments
        awarded = next(s for s in await _all_solicitations(client) if s["status"] == "awarded")
        record = await client.get(f"{API}/ocds/records/{ocid_for(api.settings.ocid_prefix, awarded['id'])}")
        assert record.status_code == 200, record.text
        compiled = record.json()["records"][0]["compiledRelease"]
        assert compiled["awards"] and compiled["contracts"]

        # each agency is judged by its own law: Seattle by the Washington pack, at its statutory rate
        seattle = (await client.get(f"{API}/agencies/demo11-sdot", headers=api.admin)).json()
        assert (seattle["rule_pack"], seattle["time_zone"]) == ("US-WA", "America/Los_Angeles")
        assert (seattle["late_interest_annual_rate"], seattle["interest_rate_agreed"]) == (0.12, False)
        compliance = (await client.get(f"{API}/solicitations/{awarded['id']}/compliance", headers=api.admin)).json()
        owner = (await client.get(f"{API}/agencies/{awarded['agency_id']}", headers=api.admin)).json()
        assert compliance["rule_pack"] == owner["rule_pack"] and compliance["time_zone"] == owner["time_zone"]
        assert compliance["payments"] is not None

        # documents everywhere: the RFP is public (in open data too), the contract's signed copy is its parties'
        assert counts["documents"] >= published + counts["bids"]
        listed = (await client.get(f"{API}/solicitations/{awarded['id']}/documents")).json()["items"]
        assert listed and listed[0]["kind"] == "rfp"
        pdf = await client.get(listed[0]["content_url"])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        assert any(d["format"] == "application/pdf" for d in compiled["tender"]["documents"])
        signed = (await client.get(f"{API}/contracts/{contracts[0]['contract_id']}/documents",
                                   headers=api.admin)).json()["items"]
        assert [d["kind"] for d in signed] == ["signed_contract"]
        assert contracts[0]["attachments"], "the contract list carries the signed copy"
        # a vendor's record carries its insurance certificate and each certification's evidence
        vendor = (await client.get(f"{API}/vendors/{directory[0]['id']}", headers=api.admin)).json()
        assert "insurance_certificate" in {d["kind"] for d in vendor["attachments"]}
        assert all(c["attachments"] for c in vendor["certifications"])

        # supplier diversity over the two years: certified vendors were paid
        today = (await api.clock()).date()
        report = (await client.get(f"{API}/reports/supplier-diversity", headers=api.admin, params={
            "from": (today - timedelta(days=SPAN)).isoformat(), "to": today.isoformat()})).json()
        used = [row for row in report["rows"] if row["program"] != "ALL" and (row["utilization_percent"] or 0) > 0]
        assert used, report["rows"]

        # the story ends now, and loading the same seed again is refused
        assert abs((await api.clock()) - datetime.now(UTC)) < timedelta(minutes=5)
        try:
            await generate(api, 11, PRESETS["tiny"], stripe=None)
        except AlreadyLoaded:
            pass
        else:
            raise AssertionError("a second load of the same seed went ahead")


async def test_the_same_seed_builds_the_same_marketplace(isolated, localstripe):
    scale = Scale(agencies=2, vendors=16, solicitations=8)
    seen = []
    for _ in range(2):
        async with _demo(isolated, localstripe, seed=5, scale=scale) as (client, _, summary):
            solicitations = await _settled_solicitations(client, summary)
            seen.append((summary.counts, sorted((s["title"], s["estimated_value"]["amount"], s["status"])
                                                for s in solicitations)))
    (first_counts, first_titles), (second_counts, second_titles) = seen
    assert first_counts == second_counts
    assert first_titles == second_titles
    assert first_counts["solicitations.awarded"] >= 1 and first_titles



async def test_the_demo_mail_reaches_the_embedded_smtp_server_for_civic_mail(isolated, localstripe, tmp_path,
                                                                            capsys):
    """What ``civic demo`` does: with no CIVIC_SMTP_URL the marketplace's mail goes to the
    embedded SMTP server under the data folder, and the demo waits for it before exiting."""
    settings: Settings = (await isolated()).with_(
        data_dir=tmp_path, stripe_api_base=localstripe.api_base, stripe_api_key=localstripe.api_key,
        stripe_webhook_secret=TEST_WEBHOOK_SECRET)
    assert "CIVIC_SMTP_URL" not in settings.extra
    summary = await in_process(settings, seed=13, scale=PRESETS["tiny"])

    mails = [m.message() for m in MailStore(mail_folder(tmp_path)).all()]
    subjects = [str(m["Subject"]) for m in mails]
    assert summary.counts["bids"] >= 1
    assert any(s.startswith("Bid received: ") for s in subjects), subjects
    assert any(s.startswith(("Award: ", "Notice of intent to award: ")) for s in subjects), subjects
    assert all(str(m["To"]).endswith("@example.com") for m in mails)
    assert f"{len(mails)} kept by the embedded SMTP server" in summary.render(), summary.render()
    assert "civic mail list" in summary.render()

    capsys.readouterr()
    assert await mail_cli.run(argparse.Namespace(mail_command="list", to=None), settings) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == len(mails) and any("Bid received: " in line for line in listed)
    first = listed[0].split()[0]
    assert await mail_cli.run(argparse.Namespace(mail_command="show", id=first, html=False), settings) == 0
    shown = capsys.readouterr().out
    assert "Message-ID: <" in shown and "Subject: " in shown
