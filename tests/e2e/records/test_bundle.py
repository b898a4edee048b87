"""Records bundles: the process's events, OCDS record and a signed manifest; nothing of a
sealed bid before the opening; anyone can verify one offline."""

from __future__ import annotations

import io
import json
import zipfile

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from infra import cli
from services.records import cli as records_cli
from services.records.bundle import verify_bundle
from services.records.keys import load_public_key
from services.records.readmodel import process_of
from tests.e2e.solicitations.helpers import (
    API,
    DAY,
    advance,
    bid_body,
    bidder,
    new_agency,
    published,
)
from tests.support import eventually

PRICE = 615_243_87


async def _bundle(client, solicitation_id, headers) -> bytes:
    response = await client.get(f"{API}/records/processes/{solicitation_id}/bundle", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    return response.content


def _files(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def _rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


async def test_a_bundle_is_signed_complete_and_sealed_until_the_opening(client, token, civic, tmp_path):
    agency_id, buyer = await new_agency(client, token)
    _, owner = await bidder(client, token, civic)
    sol = await published(client, token, buyer, solicitation_type="ITB", criteria=[])
    sid = sol["id"]
    bid = await client.post(f"{API}/solicitations/{sid}/bids", json=bid_body(PRICE, sol), headers=owner)
    assert bid.status_code == 201, bid.text
    bid_stream = f"bid-{bid.json()['id']}"

    async def listed():
        async with civic.pool.acquire() as conn:
            process = await process_of(conn, sid)
        return process if process and any(s == bid_stream for s, _ in process.streams) else None

    await eventually(listed, what="the bid's stream listed in its process")
    auditor = token("auditor")
    sealed = await _bundle(client, sid, auditor)
    files = _files(sealed)
    manifest = json.loads(files["manifest.json"])
    assert manifest["bids_sealed"] is True and manifest["solicitation_id"] == sid
    assert f"events/solicitation-{sid}.jsonl" in files
    assert not any(name.startswith("events/bid-") for name in files)
    assert not any(str(PRICE).encode() in content for content in files.values())
    assert verify_bundle(sealed).valid
    # Only oversight and the agency's own buyers may have it.
    assert (await client.get(f"{API}/records/processes/{sid}/bundle", headers=owner)).status_code == 403
    other_buyer = (await new_agency(client, token))[1]
    assert (await client.get(f"{API}/records/processes/{sid}/bundle",
                             headers=other_buyer)).status_code == 404
    assert (await client.get(f"{API}/records/processes/missing/bundle", headers=auditor)).status_code == 404

    await advance(client, token, 30 * DAY + 3600 + 60)

    async def opened():
        data = await _bundle(client, sid, buyer)
        # The stream is in from the opening; its unsealed content follows from the unsealing reactor.
        if f"events/{bid_stream}.jsonl".encode() not in data:
            return None
        return data if str(PRICE).encode() in _files(data)[f"events/{bid_stream}.jsonl"] else None

    data = await eventually(opened, what="the bid in the bundle after the opening")
    files = _files(data)
    assert json.loads(files["manifest.json"])["bids_sealed"] is False
    assert str(PRICE).encode() in files[f"events/{bid_stream}.jsonl"]
    assert json.loads(files["ocds/record.json"])["ocid"].endswith(sid)
    public = (await client.get(f"{API}/records/public-key")).json()
    assert public["algorithm"] == "Ed25519"
    report = verify_bundle(data, load_public_key(public["public_key"]))
    assert report.valid, report.problems
    assert report.events >= 3 and report.signed_by == public["public_key"]
    assert not verify_bundle(data, Ed25519PrivateKey.generate().public_key()).valid

    # Offline, from the command line: valid, then an altered event is named.
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    args = cli.build_parser().parse_args(["records", "verify", str(path), "--public-key", public["pem"]])
    assert records_cli.check(args) == 0
    altered = dict(files)
    altered[f"events/{bid_stream}.jsonl"] = files[f"events/{bid_stream}.jsonl"].replace(
        str(PRICE).encode(), b"1")
    report = verify_bundle(_rezip(altered))
    assert not report.valid
    assert any(p.startswith(f"events/{bid_stream}.jsonl: does not match") for p in report.problems)
    assert any("its content does not match its hash" in p for p in report.problems)
    path.write_bytes(_rezip(altered))
    assert records_cli.check(args) == 1
    assert agency_id
