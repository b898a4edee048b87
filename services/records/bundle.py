"""Records bundles: every stored event of a contracting process, its OCDS record and a
manifest of SHA-256 hashes signed with the records key (Ed25519), verifiable offline.

Layout of the ZIP:
- ``events/<stream id>.jsonl``: each stored event as PostgreSQL holds it (JSON columns
  in jsonb's canonical text, times in microseconds since the epoch) with its chain
  hashes, so ``verify_bundle`` recomputes every event's hash without the database;
- ``ocds/record.json``: the process's OCDS record (its releases and compiled release);
- ``documents/<document id>/<file name>``: every document of the process (the
  solicitation's and its addenda's, the bids', the contracts', the invoices', the
  protests'), each version, as its readers download it; the manifest's ``documents``
  says what each is (kind, title, parent, dates) with the SHA-256 recorded when it was
  attached, which is also its entry in ``files``;
- ``manifest.json`` (every other file's SHA-256 and size, each stream's head hash) and
  ``manifest.sig`` (the Ed25519 signature of ``manifest.json``, base64).

The streams of bids, and their documents' streams and content, are left out while the
solicitation is still sealed; a withdrawn bid's documents are never in a bundle (they
stay sealed for everyone but their vendor). The bundle is written to a file a piece at a
time (documents are never held whole in memory) and verified the same way.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import zipfile
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from services.documents.facts import DocumentEntry
from services.records.keys import public_key_text
from services.records.readmodel import Process

FORMAT = "civic-records-bundle/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"

_EVENTS = """
SELECT event_id::text AS event_id, stream_id, version, transaction_id::text AS tx, position, type,
       schema_version, data, metadata,
       (extract(epoch FROM occurred_at) * 1000000)::bigint AS occurred_us,
       (extract(epoch FROM recorded_at) * 1000000)::bigint AS recorded_us,
       encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash
FROM events WHERE stream_id = $1 ORDER BY version
"""


def event_hash(event: Mapping[str, Any]) -> str:
    """The hash PostgreSQL stored for this event (``event_hash`` in migration 1100)."""
    fields = [event["prev_hash"] or "", event["event_id"], event["stream_id"], str(event["version"]),
              event["type"], str(event["schema_version"]), event["data"], event["metadata"],
              str(event["occurred_us"]), str(event["recorded_us"])]
    return hashlib.sha256("\n".join(fields).encode()).hexdigest()


async def stream_lines(conn: Any, stream_id: str) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(_EVENTS, stream_id)]


def bundled_streams(process: Process) -> list[tuple[str, str]]:
    """The streams a bundle holds: bids and their documents only once the solicitation
    has been opened."""
    return [(s, kind) for s, kind in process.streams
            if kind not in ("bid", "bid_document") or process.opened]


def document_streams(streams: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Document id -> stream id, for the document streams among ``streams``."""
    return {s.removeprefix("document-"): s for s, kind in streams if kind in ("document", "bid_document")}


class DocumentDamaged(Exception):
    """A document's bytes are not those recorded when it was attached."""


async def write_bundle(target: BinaryIO, process: Process, streams: Mapping[str, list[dict[str, Any]]],
                       ocds_record: dict[str, Any], key: Ed25519PrivateKey, generated_at: datetime,
                       documents: Sequence[tuple[DocumentEntry, Callable[[], AsyncIterator[bytes]]]] = (),
                       ) -> None:
    """Write the bundle to ``target`` (a file open for writing), a document a piece at a
    time; raises ``DocumentDamaged`` when a document's bytes do not match their hash."""
    files: dict[str, bytes] = {}
    for stream_id, lines in streams.items():
        files[f"events/{stream_id}.jsonl"] = b"".join(
            json.dumps(line, ensure_ascii=False, sort_keys=True).encode() + b"\n" for line in lines)
    files["ocds/record.json"] = json.dumps(ocds_record, ensure_ascii=False, sort_keys=True, indent=1).encode()
    listed = [{"path": path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
              for path, data in files.items()]
    described = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files.items()):
            archive.writestr(path, data)
        for doc, content in documents:
            path = f"documents/{doc.id}/{doc.filename}"
            digest, size = hashlib.sha256(), 0
            # stored, not deflated: PDFs, images and Office files are compressed already
            with archive.open(zipfile.ZipInfo(path, date_time=_zip_time(doc.attached_at)), "w",
                              force_zip64=True) as out:
                async for piece in content():
                    await asyncio.to_thread(_write_hashed, out, digest, piece)
                    size += len(piece)
            if digest.hexdigest() != doc.sha256 or size != doc.size:
                raise DocumentDamaged(f"document {doc.id}: its bytes do not match the hash recorded when attached")
            listed.append({"path": path, "sha256": doc.sha256, "bytes": size})
            described.append({"path": path, **msgspec.to_builtins(doc)})
        manifest = {
            "format": FORMAT,
            "solicitation_id": process.solicitation_id,
            "agency_id": process.agency_id,
            "ocid": ocds_record.get("ocid"),
            "generated_at": generated_at.isoformat(),
            "bids_sealed": not process.opened,
            "public_key": public_key_text(key.public_key()),
            "files": sorted(listed, key=lambda f: str(f["path"])),
            "streams": {s: (lines[-1]["hash"] if lines else None) for s, lines in sorted(streams.items())},
            "documents": described,
        }
        encoded = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()
        archive.writestr(MANIFEST, encoded)
        archive.writestr(SIGNATURE, base64.b64encode(key.sign(encoded)))


def _write_hashed(out: Any, digest: Any, piece: bytes) -> None:
    digest.update(piece)
    out.write(piece)


def _zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    t = when.astimezone(UTC)
    return (max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second)


class BundleReport(msgspec.Struct, frozen=True, kw_only=True):
    valid: bool
    problems: list[str]
    files: int = 0
    events: int = 0
    solicitation_id: str | None = None
    signed_by: str | None = None


def verify_bundle(data: bytes | Path, public_key: Ed25519PublicKey | None = None) -> BundleReport:
    """Check the signature (against ``public_key``, or the key the manifest names), every
    file's hash and every event's hash chain. Needs nothing but the bundle (its bytes, or
    the path of its file: documents are then hashed a piece at a time)."""
    problems: list[str] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        names = set(archive.namelist())
        encoded = archive.read(MANIFEST)
        signature = base64.b64decode(archive.read(SIGNATURE))
        manifest = json.loads(encoded)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        return BundleReport(valid=False, problems=[f"not a records bundle: {exc}"])
    from services.records.keys import load_public_key

    key = public_key or load_public_key(manifest.get("public_key", ""))
    try:
        key.verify(signature, encoded)
    except InvalidSignature:
        problems.append("the manifest's signature does not verify")
    listed = {f["path"]: f for f in manifest.get("files", [])}
    for path in sorted(names - set(listed) - {MANIFEST, SIGNATURE}):
        problems.append(f"{path}: not in the manifest")
    events = 0
    for path, entry in sorted(listed.items()):
        if path not in names:
            problems.append(f"{path}: missing")
            continue
        digest = hashlib.sha256()
        with archive.open(path) as member:
            while piece := member.read(1024 * 1024):
                digest.update(piece)
        if digest.hexdigest() != entry["sha256"]:
            problems.append(f"{path}: does not match its hash in the manifest")
        if path.startswith("events/"):
            content = archive.read(path)
            lines = [json.loads(line) for line in content.splitlines() if line.strip()]
            events += len(lines)
            problems += _chain_problems(path, lines)
    for doc in manifest.get("documents", []):
        entry = listed.get(doc.get("path", ""))
        if entry is None or entry["sha256"] != doc.get("sha256"):
            problems.append(f"document {doc.get('id')}: its hash is not the one listed for its file")
    return BundleReport(valid=not problems, problems=problems, files=len(listed), events=events,
                        solicitation_id=manifest.get("solicitation_id"),
                        signed_by=public_key_text(key))


def _chain_problems(path: str, lines: Iterable[dict[str, Any]]) -> list[str]:
    previous, expected = None, 1
    for line in lines:
        where = f"{path}: event {line.get('event_id')} (version {line.get('version')})"
        if line["version"] != expected:
            return [f"{where}: version {expected} is missing"]
        if line["prev_hash"] != previous:
            return [f"{where}: does not link to the previous event"]
        if event_hash(line) != line["hash"]:
            return [f"{where}: its content does not match its hash"]
        previous, expected = line["hash"], expected + 1
    return []
