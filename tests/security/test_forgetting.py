"""Personal data in events is stored encrypted under a key per person; ``civic forget``
destroys the key once records retention allows it, after which the person's data is
found nowhere (database, read models rebuilt, OCDS feed, logs, documents' metadata, files), while every other
part of the record, and the payment audit chain, stay as they were."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import stripe
from litestar.testing import AsyncTestClient

from events.assistance import OpportunityDismissed, SuggestionsShown
from events.base import Metadata
from events.contracts import ContractCompleted
from events.solicitations import QuestionAsked
from events.vendors import Address, Contact, UserInvited, VendorRegistered
from infra import personal
from infra.container import open_civic
from infra.http.app import create_app
from infra.http.auth import mint_token
from infra.settings import Settings
from services.demo.pdf import tiny_pdf
from services.privacy.rules import HolderRecords, retention
from tests.e2e.documents.helpers import upload
from tests.e2e.payments.conftest import Marketplace
from tests.e2e.payments.test_payment_audit import _paid_invoice
from tests.e2e.vendors.helpers import approved_vendor, new_ein
from tests.reliability.consistency import wait_caught_up
from tests.reliability.processes import environment
from tests.security.logscan import capture_logs
from tests.support import TEST_WEBHOOK_SECRET, unique

ROOT = Path(__file__).resolve().parents[2]
API = "/api/v1"


async def _forget(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """``civic forget ...`` as an operator runs it."""
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "infra.cli", "forget", *args], cwd=ROOT, capture_output=True,
        text=True, timeout=300, env=environment(settings))


async def _tables_holding(civic, needles: list[str]) -> list[str]:
    rows = await civic.pool.fetch("SELECT table_name FROM information_schema.tables"
                                  " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
    found = []
    for table in (r["table_name"] for r in rows):
        hits = await civic.pool.fetchval(f'SELECT count(*) FROM "{table}" t WHERE t::text ILIKE ANY($1::text[])',
                                         [f"%{n}%" for n in needles])
        if hits:
            found.append(table)
    return sorted(found)


def _files_holding(folder: Path, needles: list[str], *, leave: Path | None = None) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if leave is not None and path.is_relative_to(leave):
            continue
        if path.is_file() and path.stat().st_size < 50_000_000:
            text = path.read_bytes().decode("utf-8", "replace").lower()
            found += [f"{path}: {n}" for n in needles if n.lower() in text]
    return found


async def test_a_forgotten_contact_and_tax_id_are_found_nowhere_and_the_rest_is_intact(isolated, localstripe, tmp_path):
    own = (await isolated()).with_(
        dev_clock=True, data_dir=tmp_path / "data", stripe_api_base=localstripe.api_base,
        stripe_api_key=localstripe.api_key, stripe_webhook_secret=TEST_WEBHOOK_SECRET)
    name, email, phone = "Zephyrine Quillfeather", f"zq.{unique('')}@example.org", "+1 503 555 0199"
    kept = {"name": "Orrin Keepwell", "email": f"ok.{unique('')}@example.org", "phone": "+1 503 555 0142"}
    tax_id = new_ein()
    gone = [name, email, phone, tax_id]

    def token(role: str, sub: str | None = None, **claims: str) -> dict[str, str]:
        return {"Authorization": "Bearer " + mint_token(own, role=role, sub=sub or unique(role), **claims)}

    civic = await open_civic(own)
    with capture_logs(outside=("mail.log",)) as logs:  # aiosmtpd: the recipients' server
        try:
            async with AsyncTestClient(app=create_app(own, workers=True), timeout=30) as client:
                vendor, owner = await approved_vendor(
                    client, token, tax_id=tax_id,
                    contacts=[{"name": name, "email": email, "phone": phone, "title": "Owner"}, kept])
                vendor_id = vendor["id"]
                # a vendor's document names the person: its title and file name are sealed
                # under the vendor's key, who uploaded it under the uploader's
                certificate = await upload(client, owner, "vendors", vendor_id,
                                           tiny_pdf("Certificate of insurance", ["General liability 2,000,000"]),
                                           kind="insurance_certificate",
                                           title=f"Insurance certificate of {name}",
                                           filename=f"{name.replace(' ', '-')}-insurance.pdf",
                                           expires_on="2031-06-30")
                assert certificate.status_code == 201, certificate.text
                # at rest, the store holds the person's data only encrypted; the clear copies
                # are the documents' list and the address notifications mail to (read
                # models), which forgetting rebuilds away below (once they have caught up)
                await wait_caught_up(civic, max_wait=30)
                assert await _tables_holding(civic, gone) == ["documents", "notify_vendors"]
                own_view = (await client.get(f"{API}/vendors/{vendor_id}", headers=owner)).json()
                assert [c["name"] for c in own_view["contacts"]] == [name, kept["name"]]
                assert own_view["tax_id"] == tax_id

                # the vendor is paid under a contract: its records must be kept
                stripe_client = stripe.StripeClient(localstripe.api_key,
                                                    base_addresses={"api": localstripe.api_base})
                market = Marketplace(client, civic, token, stripe_client)
                market.vendor, market.vendor_headers = vendor_id, token("vendor", vendor=vendor_id)
                await market.register_agency()
                contract_id, _, _ = await _paid_invoice(market, 80_000)
                await wait_caught_up(civic, max_wait=30)
                refused = await _forget(own, email)
                assert refused.returncode == 1 and "open contract" in refused.stderr, refused
                await civic.store.append(f"contract-{contract_id}", None, [
                    ContractCompleted(contract_id=contract_id, completed_at=civic.clock.now())],
                    Metadata(occurred_at=civic.clock.now(), actor="buyer-1", actor_role="buyer"))
                await wait_caught_up(civic, max_wait=30)
                refused = await _forget(own, email)
                assert refused.returncode == 1 and "6 years after the final payment" in refused.stderr, refused
                await client.post(f"{API}/dev/clock", headers=token("admin"),
                                  json={"advance_seconds": timedelta(days=6 * 366).total_seconds()})
                await wait_caught_up(civic, max_wait=60)
                assert (await _forget(own, f"contact:{email}", "--dry-run")).returncode == 0

                done = await _forget(own, f"contact:{email.upper()}")  # emails compare without case
                assert done.returncode == 0, done.stderr
                assert "rebuilt" in done.stdout and email not in done.stdout
                assert (await _forget(own, f"vendor:{vendor_id}")).returncode == 0
                again = await _forget(own, email)
                assert again.returncode == 1 and "forgotten already" in again.stderr

                # every read model rebuilt from the store: the data reads as removed
                for projection in civic.projections():
                    await civic.runner_for(projection.name).rebuild()
                await wait_caught_up(civic, max_wait=30)
                after = (await client.get(f"{API}/vendors/{vendor_id}", headers=owner)).json()
                assert after["contacts"][0] == {"name": personal.REMOVED, "email": personal.REMOVED,
                                                "phone": personal.REMOVED, "title": personal.REMOVED}
                assert after["contacts"][1]["name"] == kept["name"], "another person's data is kept"
                assert after["tax_id"] == personal.REMOVED
                assert (after["legal_name"], after["address"]) == (own_view["legal_name"], own_view["address"])
                # the document stays, with its hash and bytes, without the name
                document = (await client.get(f"{API}/documents/{certificate.json()['id']}", headers=owner)).json()
                assert (document["title"], document["filename"]) == (personal.REMOVED, personal.REMOVED)
                assert (document["sha256"], document["expires_on"]) == (certificate.json()["sha256"], "2031-06-30")
                listed = (await client.get(f"{API}/vendors/{vendor_id}/documents", headers=owner)).json()["items"]
                assert [d["title"] for d in listed] == [personal.REMOVED]
                content = await client.get(f"{API}/documents/{document['id']}/content", headers=owner)
                assert content.status_code == 200 and name not in content.headers["content-disposition"]

                ocds = [(await client.get(f"{API}/{feed}", params={"limit": 100})).text
                        for feed in ("ocds/releases", "ocds/records")]
                assert all(n.lower() not in text.lower() for text in ocds for n in gone)
                verify = await client.get(f"{API}/payments/audit/verify", params={"agency": market.agency},
                                          headers=market.finance)
                assert verify.json()["valid"] is True and verify.json()["entries"] == 5
                # the hash chain over every stored event still verifies: forgetting destroyed a
                # key and rewrote no event
                chain = (await client.get(f"{API}/records/verify", headers=token("auditor"))).json()
                assert chain["valid"] is True and chain["first_broken"] is None, chain
                vendor_chain = (await client.get(f"{API}/records/verify", params={"stream": f"vendor-{vendor_id}"},
                                                 headers=token("auditor"))).json()
                assert vendor_chain["valid"] is True and vendor_chain["events"] >= 1, vendor_chain
                assert await _tables_holding(civic, gone) == []
                assert await _tables_holding(civic, [kept["name"]]) == [], "kept data is encrypted too"
        finally:
            await civic.close()
    logs.assert_never_contains(*gone)
    # the embedded SMTP server's folder is the recipients' mailboxes, not the marketplace's
    assert _files_holding(own.data_dir, gone, leave=own.data_dir / "mail") == []


def test_retention_waits_for_open_records_and_years_after_the_final_payment():
    paid = datetime(2026, 3, 1, tzinfo=UTC)
    open_records = HolderRecords(vendor_id="v1", open_contracts=1, unpaid_invoices=0, last_paid_at=paid)
    closed = HolderRecords(vendor_id="v1", open_contracts=0, unpaid_invoices=0, last_paid_at=paid)
    assert not retention([open_records], paid + timedelta(days=10 * 365), 6).allowed
    assert not retention([closed], datetime(2032, 2, 28, tzinfo=UTC), 6).allowed
    assert retention([closed], datetime(2032, 3, 1, tzinfo=UTC), 6).allowed
    assert retention([], paid, 6).allowed, "no records hold it: it may go at once"
    leap = HolderRecords(vendor_id="v", open_contracts=0, unpaid_invoices=0,
                         last_paid_at=datetime(2028, 2, 29, tzinfo=UTC))
    assert retention([leap], datetime(2034, 2, 27, tzinfo=UTC), 6).not_before == datetime(2034, 2, 28, tzinfo=UTC)


async def test_old_clear_events_still_decode_and_each_personal_field_is_sealed(isolated):
    """Events stored before encryption existed hold clear text and read as before; new ones
    seal every declared field, and other people's or non-personal fields not at all."""
    civic = await open_civic(await isolated(), with_nats=False)
    try:
        meta = Metadata(occurred_at=civic.clock.now())
        vendor_id = unique("v")
        registered = VendorRegistered(
            vendor_id=vendor_id, owner="owner-1", legal_name="Clear Legal Name", tax_id="12-3456789",
            address=Address(line1="1 Main", city="Salem", state="OR", zip="97301"),
            contacts=[Contact(name="Old Clear Name", email="old@example.org")], employees=3, revenue_band="lt_1m")
        await civic.pool.execute(  # as an older version of the store wrote it, in clear
            "INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)"
            " VALUES (gen_random_uuid(), $1, 1, 'vendors.VendorRegistered.v1', 1, $2::jsonb, $3::jsonb, now())",
            f"vendor-{vendor_id}", msgspec.json.encode(registered).decode(), msgspec.json.encode(meta).decode())
        [old] = await civic.store.read_stream(f"vendor-{vendor_id}")
        assert old.event == registered
        asked = QuestionAsked(solicitation_id="s1", question_id="q1", question="When?", asked_by="user-77",
                              asked_at=civic.clock.now())
        invited = UserInvited(vendor_id=vendor_id, user="colleague-9")
        await civic.store.append(f"vendor-{vendor_id}", 1, [invited], meta)
        asked_in = f"solicitation-{unique('s')}"
        await civic.store.append(asked_in, 0, [asked], meta)
        shown = SuggestionsShown(suggestion_id=unique("sg"), list_kind="opportunities", subject_id=vendor_id,
                                 asked_by="vendor-user-31", asked_role="vendor", model="m", model_version="1",
                                 inputs_hash="h", shown_at=civic.clock.now())
        dismissed = OpportunityDismissed(vendor_id=vendor_id, solicitation_id="s1", dismissed_by="vendor-user-31",
                                         dismissed_at=civic.clock.now())
        assisted_in = f"suggestions-{shown.suggestion_id}"
        await civic.store.append(assisted_in, 0, [shown], meta)
        await civic.store.append(f"vendor-feedback-{vendor_id}", 0, [dismissed], meta)
        stored = {r["type"]: r["data"] for r in await civic.pool.fetch(
            "SELECT type, data::text AS data FROM events WHERE version > 0 AND type <> 'vendors.VendorRegistered.v1'")}
        assert "user-77" not in stored["solicitations.QuestionAsked.v1"]
        assert "When?" in stored["solicitations.QuestionAsked.v1"], "the question is not personal"
        assert "colleague-9" not in stored["vendors.UserInvited.v1"] and vendor_id in stored["vendors.UserInvited.v1"]
        for tag in ("assistance.SuggestionsShown.v1", "assistance.OpportunityDismissed.v1"):
            assert "vendor-user-31" not in stored[tag] and vendor_id in stored[tag], tag
        events = [e.event for stream in (f"vendor-{vendor_id}", asked_in, assisted_in, f"vendor-feedback-{vendor_id}")
                  for e in await civic.store.read_stream(stream)]
        assert asked in events and invited in events and shown in events and dismissed in events
        assert await civic.store.personal_keys.holders_of("user:colleague-9") == [vendor_id]
        # an inline read model rebuilt from the store reads the data opened, as the runners
        # do: the invited colleague keeps access and the tax id still matches exclusions
        await civic.runner_for("vendor_standing").rebuild()
        assert await civic.pool.fetchval(
            "SELECT array_agg(sub ORDER BY sub) FROM vendor_standing_users WHERE vendor_id = $1",
            vendor_id) == ["colleague-9", "owner-1"]
        assert await civic.pool.fetchval(
            "SELECT tax_key FROM vendor_standing WHERE vendor_id = $1", vendor_id) == "123456789"
    finally:
        await civic.close()
