"""``civic bench documents``: document upload and download through the API, beside the
ceiling of writing and reading the same bytes straight to the same store, for the
filesystem and the S3 store (a local S3-compatible server process); and the API
process's memory while many large uploads run at once.

A ``civic serve`` process runs on a fresh database and stream for each store. The
upload and download figures are MiB/s of 10 MiB files, one request at a time, sent and
received by a lean loopback client in a worker thread (``infra.bench.wire``); the
ceiling writes each file's bytes as one blob with the store's own client (a file write,
or one S3 PUT) and reads them back. The two are measured in turns, file by file (one
ceiling write, one upload, ...), after one untimed round trip, so that both meet the same
load on a shared machine. The memory figure is the peak resident set of the API process
(``VmHWM``) before and after ``parallel`` concurrent uploads of ``big_mib`` MiB each,
read from ``/proc``, on each store.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from infra.bench import wire
from infra.bench.e2e import start_marketplace, wait_ready
from infra.bench.scratch import scratch
from infra.blobstore import BlobStore, FilesystemBlobStore, S3BlobStore
from infra.embedded import free_port
from infra.http.auth import mint_token
from infra.s3_server import ACCESS_KEY, SECRET_KEY, start_local_s3
from infra.settings import Settings

MiB = 1024 * 1024
API = "/api/v1"


def _pdf_like(size: int) -> bytes:
    """``size`` bytes that sniff as a PDF, different on every call (no deduplication)."""
    return b"%PDF-1.4\n%" + secrets.token_bytes(16) + os.urandom(size - 26)


def _vm(pid: int, field: str) -> int:
    """A ``/proc/<pid>/status`` figure in bytes (VmRSS, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def _write_straight(store: BlobStore, data: bytes) -> None:
    """The bytes as one blob with the store's own client: a file write, or one S3 PUT."""
    key = _key(data)
    if isinstance(store, FilesystemBlobStore):
        path = store.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(path.write_bytes, data)
    else:
        assert isinstance(store, S3BlobStore)
        await asyncio.to_thread(store._client.put_object, Bucket=store.bucket, Key=store.prefix + key, Body=data)


def _read_file(path: Path) -> None:
    with open(path, "rb", buffering=0) as fh:
        while fh.read(MiB):
            pass


def _read_object(store: S3BlobStore, key: str) -> None:
    body = store._client.get_object(Bucket=store.bucket, Key=store.prefix + key)["Body"]
    while body.read(MiB):
        pass


async def _read_straight(store: BlobStore, data: bytes) -> None:
    """The blob read back with the store's own client, in one worker-thread call (the
    store's own reads hop to a thread for each piece: the ceiling does not)."""
    key = _key(data)
    if isinstance(store, FilesystemBlobStore):
        await asyncio.to_thread(_read_file, store.path(key))
    else:
        assert isinstance(store, S3BlobStore)
        await asyncio.to_thread(_read_object, store, key)


def _form(title: str, data: bytes) -> tuple[str, list[bytes]]:
    """A multipart/form-data body as pieces around the file's bytes (never joined)."""
    boundary = secrets.token_hex(16)
    fields = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                     for name, value in (("title", title), ("kind", "specification")))
    head = (f'{fields}--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{title}.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n")
    return f"multipart/form-data; boundary={boundary}", [head.encode(), data, f"\r\n--{boundary}--\r\n".encode()]


async def _upload(port: int, buyer: dict[str, str], sol: str, data: bytes, title: str) -> str:
    content_type, body = _form(title, data)
    answer = await asyncio.to_thread(wire.request, port, "POST", f"{API}/solicitations/{sol}/documents",
                                     buyer | {"Content-Type": content_type}, body)
    assert answer.status == 201, answer.body
    return str(json.loads(answer.body)["id"])


async def _download(port: int, buyer: dict[str, str], doc_id: str, size: int) -> None:
    answer = await asyncio.to_thread(wire.request, port, "GET", f"{API}/documents/{doc_id}/content", buyer,
                                     keep_body=False)
    assert answer.status == 200 and answer.length == size, (answer.status, answer.length)


async def _timed(work: Any) -> float:
    started = time.perf_counter()
    await work
    return time.perf_counter() - started


async def _in_turns(port: int, buyer: dict[str, str], sol: str, store: BlobStore, files: int,
                    size: int) -> dict[str, float]:
    """MiB/s through the API and straight to the store, measured file by file in turns."""
    warm = await _upload(port, buyer, sol, _pdf_like(size), "warm-up")
    await _download(port, buyer, warm, size)
    await _write_straight(store, straight := _pdf_like(size))
    await _read_straight(store, straight)
    seconds = {"upload": 0.0, "upload_ceiling": 0.0, "download": 0.0, "download_ceiling": 0.0}
    ids, direct = [], []
    for i in range(files):
        direct.append(_pdf_like(size))
        seconds["upload_ceiling"] += await _timed(_write_straight(store, direct[-1]))
        data = _pdf_like(size)
        started = time.perf_counter()
        ids.append(await _upload(port, buyer, sol, data, f"file-{i}"))
        seconds["upload"] += time.perf_counter() - started
    for doc_id, data in zip(ids, direct, strict=True):
        seconds["download_ceiling"] += await _timed(_read_straight(store, data))
        seconds["download"] += await _timed(_download(port, buyer, doc_id, size))
    mib = files * size / MiB
    return {name: mib / spent for name, spent in seconds.items()}


async def _draft(client: Any, admin: dict[str, str], buyer: dict[str, str], agency: str) -> str:
    from datetime import UTC, datetime, timedelta

    made = await client.post(f"{API}/agencies", headers=admin, json={
        "agency_id": agency, "name": "Bench agency", "jurisdiction": "US-WA-Seattle"})
    assert made.status_code == 201, made.text
    now = datetime.now(UTC)
    body = {"solicitation_type": "RFP", "title": "Bench", "description": "Documents benchmark",
            "commodity_codes": ["91000"], "estimated_value": {"amount": 500_000_00, "currency": "USD"},
            "method": "open", "submission_deadline": (now + timedelta(days=30)).isoformat(),
            "questions_deadline": (now + timedelta(days=20)).isoformat(),
            "opening_time": (now + timedelta(days=30, hours=1)).isoformat(),
            "criteria": [{"library_id": "price", "weight": 100}]}
    created = await client.post(f"{API}/solicitations", headers=buyer, json=body)
    assert created.status_code == 201, created.text
    return created.json()["id"]


async def _parallel_uploads(client: Any, buyer: dict[str, str], sol: str, pid: int, path: Path,
                            parallel: int) -> dict[str, Any]:
    before = _vm(pid, "VmHWM")
    peak = {"rss": _vm(pid, "VmRSS")}
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            peak["rss"] = max(peak["rss"], _vm(pid, "VmRSS"))
            await asyncio.sleep(0.05)

    async def one(i: int) -> int:
        with open(path, "rb") as fh:  # noqa: ASYNC230 - httpx reads the file a piece at a time
            response = await client.post(f"{API}/solicitations/{sol}/documents", headers=buyer,
                                         data={"title": f"Large {i}", "kind": "specification"},
                                         files={"file": (f"large-{i}.pdf", fh, "application/pdf")})
        return response.status_code

    sampler = asyncio.create_task(sample())
    started = time.perf_counter()
    statuses = await asyncio.gather(*(one(i) for i in range(parallel)))
    seconds = time.perf_counter() - started
    done.set()
    await sampler
    return {"parallel_uploads": parallel, "parallel_upload_mib": path.stat().st_size // MiB,  # noqa: ASYNC240
            "parallel_upload_ok": sum(s == 201 for s in statuses), "parallel_upload_s": seconds,
            "rss_before_mib": before / MiB, "peak_rss_mib": max(peak["rss"], _vm(pid, "VmHWM")) / MiB}


async def _backend(settings: Settings, name: str, env: dict[str, str], store: BlobStore, *, files: int,
                   size_mib: int, parallel: int, big_mib: int) -> dict[str, Any]:
    import httpx

    result: dict[str, Any] = {"benchmark": "documents", "store": name, "files": files, "file_mib": size_mib}
    async with scratch(settings, f"docs_{name}") as own:
        key = secrets.token_urlsafe(32)
        port = free_port()
        [server] = start_marketplace(own, key, port, None, extra_env=env)
        signed = own.with_(signing_key=key)
        agency = f"ag_bench_{secrets.token_hex(4)}"
        admin = {"Authorization": f"Bearer {mint_token(signed, role='admin', sub='bench')}"}
        buyer = {"Authorization": f"Bearer {mint_token(signed, role='buyer', sub='bench-buyer', agency=agency)}"}
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
                await wait_ready(client, server)
                sol = await _draft(client, admin, buyer, agency)
                with tempfile.TemporaryDirectory(prefix="civic-bench-docs-") as tmp:
                    rates = await _in_turns(port, buyer, sol, store, files, size_mib * MiB)
                    result.update({
                        "upload_mib_s": rates["upload"], "upload_ceiling_mib_s": rates["upload_ceiling"],
                        "upload_ratio": rates["upload"] / rates["upload_ceiling"],
                        "download_mib_s": rates["download"], "download_ceiling_mib_s": rates["download_ceiling"],
                        "download_ratio": rates["download"] / rates["download_ceiling"],
                    })
                    if parallel:
                        big = Path(tmp) / "large.pdf"
                        with open(big, "wb") as fh:  # noqa: ASYNC230 - set-up, before anything is timed
                            for _ in range(big_mib):
                                fh.write(_pdf_like(MiB))
                        result.update(await _parallel_uploads(client, buyer, sol, server.pid, big, parallel))
        finally:
            server.terminate()
            try:
                server.wait(15)
            except Exception:  # noqa: BLE001
                server.kill()
    return result


async def run(settings: Settings, *, files: int = 5, size_mib: int = 10, parallel: int = 20,
              big_mib: int = 100) -> list[dict[str, Any]]:
    """One result per store, each with the concurrent large uploads."""
    results = []
    data_dir = Path(tempfile.mkdtemp(prefix="civic-bench-blobs-"))
    fs = FilesystemBlobStore(data_dir / "documents" / "blobs")
    results.append(await _backend(settings, "filesystem", {"CIVIC_DATA_DIR": str(data_dir)}, fs, files=files,
                                  size_mib=size_mib, parallel=parallel, big_mib=big_mib))
    s3_server = start_local_s3()
    try:
        bucket = f"civic-bench-{secrets.token_hex(4)}"
        env = {"CIVIC_S3_ENDPOINT": s3_server.endpoint, "CIVIC_S3_BUCKET": bucket,
               "CIVIC_S3_ACCESS_KEY_ID": ACCESS_KEY, "CIVIC_S3_SECRET_ACCESS_KEY": SECRET_KEY}
        s3 = S3BlobStore(endpoint=s3_server.endpoint, bucket=bucket, access_key=ACCESS_KEY, secret_key=SECRET_KEY)
        results.append(await _backend(settings, "s3", env, s3, files=files, size_mib=size_mib, parallel=parallel,
                                      big_mib=big_mib))
        await s3.close()
    finally:
        s3_server.stop()
    with contextlib.suppress(OSError):
        import shutil

        shutil.rmtree(data_dir)
    return results
