"""Keys rotate without downtime: tokens name their signing key (``kid``) and every key of
the ring verifies; a bid sealed under bid key version 1 opens after rotation to version 2;
a running process follows a rotation made by another process; secrets come from files."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
from pathlib import Path

import httpx
import jwt
import pytest
from litestar.testing import AsyncTestClient

from events.bids import BidSubmitted
from events.documents import DocumentAttached
from infra import keys
from infra.container import open_civic
from infra.http.app import create_app
from infra.http.auth import decode_token, mint_token
from infra.settings import Settings
from kernel.errors import Unauthenticated
from services.bids.sealing import BidVault, UnsealError
from services.demo.pdf import tiny_pdf
from tests.e2e.documents.helpers import upload
from tests.e2e.solicitations.helpers import (
    API,
    DAY,
    advance,
    bid_body,
    bidder,
    new_agency,
    published,
)
from tests.reliability.processes import api, environment
from tests.support import unique
from tests.unit.bids.test_sealing import CONTENT, IDS

ROOT = Path(__file__).resolve().parents[2]


def _own_ring(settings: Settings, tmp_path: Path) -> Settings:
    return settings.with_(keyring_file=tmp_path / "keyring.json")


def test_tokens_carry_the_active_kid_and_old_tokens_verify_until_their_key_is_retired(settings, tmp_path):
    own = _own_ring(settings, tmp_path)
    before = mint_token(own, role="admin", sub="before")
    assert jwt.get_unverified_header(before)["kid"] == "k1"
    legacy = jwt.encode({"sub": "legacy", "role": "admin", "iss": own.token_issuer, "exp": 4_102_444_800},
                        own.signing_key, algorithm="HS256")  # minted before tokens had a kid
    new_key = keys.rotate(own, "signing")
    after = mint_token(own, role="admin", sub="after")
    assert new_key.id == "k2" and jwt.get_unverified_header(after)["kid"] == "k2"
    assert {decode_token(own, t).sub for t in (before, legacy, after)} == {"before", "legacy", "after"}
    # a token naming a key the ring does not hold, or naming k2 but signed by k1, is refused
    forged = jwt.encode({"sub": "x", "role": "admin", "iss": own.token_issuer, "exp": 4_102_444_800},
                        own.signing_key, algorithm="HS256", headers={"kid": "k2"})
    unknown = jwt.encode({"sub": "x", "role": "admin", "iss": own.token_issuer, "exp": 4_102_444_800},
                         new_key.secret, algorithm="HS256", headers={"kid": "k9"})
    for refused in (forged, unknown):
        with pytest.raises(Unauthenticated):
            decode_token(own, refused)
    with pytest.raises(ValueError, match="active"):
        keys.retire(own, "k2")
    keys.retire(own, "k1")
    assert decode_token(own, after).sub == "after"
    for retired in (before, legacy):
        with pytest.raises(Unauthenticated):
            decode_token(own, retired)
    assert (tmp_path / "keyring.json").stat().st_mode & 0o777 == 0o600


def test_a_staged_key_verifies_before_it_signs(settings, tmp_path):
    own = _own_ring(settings, tmp_path)
    staged = keys.rotate(own, "signing", activate=False)
    assert jwt.get_unverified_header(mint_token(own, role="admin", sub="s"))["kid"] == "k1"
    early = jwt.encode({"sub": "early", "role": "admin", "iss": own.token_issuer, "exp": 4_102_444_800},
                       staged.secret, algorithm="HS256", headers={"kid": staged.id})
    assert decode_token(own, early).sub == "early", "another process may already sign with it"
    keys.activate(own, "signing", staged.id)
    assert jwt.get_unverified_header(mint_token(own, role="admin", sub="s"))["kid"] == staged.id


def test_bid_envelopes_record_their_key_version_and_open_after_rotation(settings, tmp_path):
    own = _own_ring(settings, tmp_path)
    ring = keys.KeyRing(own)
    vault = BidVault(active=ring.active_bid, versions=ring.bid)
    under_v1 = vault.seal(CONTENT, **IDS)
    # the first envelope format carried no version: it was always sealed under version 1
    legacy = "v1:" + under_v1.rpartition(":")[2]
    assert under_v1.startswith("v2:1:")
    keys.rotate(own, "bids")
    under_v2 = vault.seal(CONTENT, **IDS)
    assert under_v2.startswith("v2:2:")
    assert vault.unseal(under_v1, **IDS) == vault.unseal(legacy, **IDS) == vault.unseal(under_v2, **IDS) == CONTENT
    # version 2 is a different key: its envelope relabelled as version 1 does not open
    relabelled = "v2:1:" + under_v2.rpartition(":")[2]
    with pytest.raises(UnsealError):
        vault.unseal(relabelled, **IDS)
    with pytest.raises(UnsealError, match="no bid key version 7"):
        vault.unseal("v2:7:" + base64.urlsafe_b64encode(b"\0" * 40).decode(), **IDS)


async def test_a_bid_sealed_before_a_rotation_of_both_keys_opens_after_it(isolated, tmp_path):
    own = _own_ring((await isolated()).with_(dev_clock=True), tmp_path)

    def token(role: str, sub: str | None = None, **claims: str) -> dict[str, str]:
        return {"Authorization": "Bearer " + mint_token(own, role=role, sub=sub or unique(role), **claims)}

    civic = await open_civic(own)
    try:
        async with AsyncTestClient(app=create_app(own, workers=True), timeout=30) as client:
            _, buyer = await new_agency(client, token)
            first_id, first = await bidder(client, token, civic)
            second_id, second = await bidder(client, token, civic)
            sol = await published(client, token, buyer, solicitation_type="ITB", criteria=[])
            bids = f"{API}/solicitations/{sol['id']}/bids"
            before = await client.post(bids, json=bid_body(61_000_00, sol), headers=first)
            assert before.status_code == 201, before.text
            proposals = {}
            proposals[before.json()["id"]] = tiny_pdf("Proposal sealed under bid key 1")
            sent = await upload(client, first, "bids", before.json()["id"], proposals[before.json()["id"]],
                                kind="technical_proposal", title="Proposal")
            assert sent.status_code == 201, sent.text
            first_doc = sent.json()["id"]
            keys.rotate(own, "bids")
            keys.rotate(own, "signing")
            # the vendor's token from before the rotation still works, and so does a new one
            after = await client.post(bids, json=bid_body(62_000_00, sol), headers=second)
            assert after.status_code == 201, after.text
            assert (await client.get(f"{API}/solicitations/{sol['id']}", headers=token("admin"))).status_code == 200
            sealed = [e.event.sealed for b in (before, after)
                      for e in await civic.store.read_stream(f"bid-{b.json()['id']}")
                      if isinstance(e.event, BidSubmitted)]
            assert [s[:5] for s in sealed] == ["v2:1:", "v2:2:"]
            proposals[after.json()["id"]] = tiny_pdf("Proposal sealed under bid key 2")
            sent = await upload(client, second, "bids", after.json()["id"], proposals[after.json()["id"]],
                                kind="technical_proposal", title="Proposal")
            assert sent.status_code == 201, sent.text
            # a bid's documents are sealed under the bid key active when they arrive
            attached = {e.event.parent_id: e.event for doc_id in (first_doc, sent.json()["id"])
                        for e in await civic.store.read_stream(f"document-{doc_id}")
                        if isinstance(e.event, DocumentAttached)}
            assert {b: (d.sealed, d.key_version) for b, d in attached.items()} == {
                before.json()["id"]: (True, 1), after.json()["id"]: (True, 2)}
            await advance(client, token, 30 * DAY + 3600 + 60)
            tabulation = await client.get(f"{API}/solicitations/{sol['id']}/tabulation")
            assert tabulation.status_code == 200, tabulation.text
            assert sorted((r["vendor_id"], r["price"]["amount"]) for r in tabulation.json()) == sorted(
                [(first_id, 61_000_00), (second_id, 62_000_00)])
            for doc in attached.values():  # both open for the buyer after the opening
                content = await client.get(f"{API}/documents/{doc.document_id}/content", headers=buyer)
                assert content.status_code == 200 and content.content == proposals[doc.parent_id]
    finally:
        await civic.close()


async def _civic(settings: Settings, ring_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``civic <args>`` as an operator runs it, in another process."""
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "infra.cli", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=60, env=environment(settings, CIVIC_KEYRING_FILE=str(ring_file)))


async def test_a_running_process_follows_a_rotation_made_by_the_command_line(settings, tmp_path):
    ring_file = tmp_path / "shared-keyring.json"
    own = settings.with_(keyring_file=ring_file)
    process = api(settings, "api-keys", CIVIC_KEYRING_FILE=str(ring_file))
    before = {"Authorization": "Bearer " + mint_token(own, role="admin", sub="before")}
    try:
        process.start()
        async with httpx.AsyncClient(base_url=process.base_url, timeout=30) as http:
            assert (await http.get(f"{API}/agencies/{unique('ag')}", headers=before)).status_code == 404
            rotated = await _civic(settings, ring_file, "keys", "rotate", "signing")
            assert rotated.returncode == 0, rotated.stderr
            assert "k2 added, active" in rotated.stdout
            after = mint_token(own, role="admin", sub="after")
            assert jwt.get_unverified_header(after)["kid"] == "k2"
            for headers in (before, {"Authorization": f"Bearer {after}"}):
                assert (await http.get(f"{API}/agencies/{unique('ag')}", headers=headers)).status_code == 404
            listed = await _civic(settings, ring_file, "keys", "list")
            assert "k1  verifies" in listed.stdout and "k2  active" in listed.stdout
            secrets = [k["secret"] for k in json.loads(ring_file.read_text())["signing"]["keys"]]
            assert not any(s in listed.stdout + listed.stderr for s in secrets), "list shows no secret"
    finally:
        process.stop()
    assert not any(s in process.log() for s in secrets)


def test_every_secret_setting_can_come_from_a_file(tmp_path):
    names = {"CIVIC_SIGNING_KEY": "signing_key", "CIVIC_BID_KEY": "bid_key", "STRIPE_API_KEY": "stripe_api_key",
             "STRIPE_WEBHOOK_SECRET": "stripe_webhook_secret", "DATABASE_URL": "database_url",
             "NATS_URL": "nats_url", "CIVIC_METRICS_TOKEN": "metrics_token",
             "CIVIC_OIDC_CLIENT_SECRET": "oidc_client_secret"}
    env = {}
    for name in names:
        path = tmp_path / name.lower()
        path.write_text(f"from-file-{name}\n")  # mounted secrets often end in a newline
        env[f"{name}_FILE"] = str(path)
    with pytest.MonkeyPatch.context() as mp:
        for name in names:
            mp.delenv(name, raising=False)
        for name, value in env.items():
            mp.setenv(name, value)
        loaded = Settings.from_env()
        assert {field: getattr(loaded, field) for field in names.values()} == {
            field: f"from-file-{name}" for name, field in names.items()}
        mp.setenv("CIVIC_SIGNING_KEY", "from-env")
        with pytest.raises(ValueError, match="not both"):
            Settings.from_env()


def test_the_records_key_and_the_smtp_address_can_come_from_files(tmp_path):
    from services.notifications.settings import NotificationSettings
    from services.records.settings import RecordsSettings

    pem, url = tmp_path / "records.pem", tmp_path / "smtp"
    pem.write_text("-----BEGIN PRIVATE KEY-----\nfrom-file\n-----END PRIVATE KEY-----\n")
    url.write_text("smtp://mailer:s3cret@mail.example:587\n")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("CIVIC_RECORDS_KEY", "CIVIC_SMTP_URL"):
            mp.delenv(name, raising=False)
        mp.setenv("CIVIC_RECORDS_KEY_FILE", str(pem))
        mp.setenv("CIVIC_SMTP_URL_FILE", str(url))
        assert RecordsSettings.from_env().records_key == pem.read_text().strip()
        assert NotificationSettings.of(Settings.from_env()).smtp_url == "smtp://mailer:s3cret@mail.example:587"
        mp.setenv("CIVIC_SMTP_URL", "smtp://other@mail.example")
        with pytest.raises(ValueError, match="not both"):
            NotificationSettings.of(Settings.from_env())
