"""``civic bench documents``: document upload and download through the API, beside the
ceiling of writing and reading the same bytes straight to the same store, for the
filesystem and the S3 store (a local S3-compatible server process); and the API
process's memory while many large uploads run at once.

A ``civic serve`` process runs on a fresh database and stream for each store. The
upload and download figures are MiB/s of 10 MiB files, one request at a time; the
ceiling writes each file's bytes as one blob with the store's own client (a file write,
or one S3 PUT) and reads them back. The memory figure is the peak resident set of the
API process (``VmHWM``) before and after ``parallel`` concurrent uploads of
``big_mib`` MiB each, read from ``/proc``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

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


async def _ceiling(store: BlobStore, files: list[bytes], scratch_dir: Path) -> tuple[float, float]:
    """MiB/s writing each file as a blob with the store's own client, and reading it back."""
    total = sum(len(f) for f in files) / MiB
    keys = []
    started = time.perf_counter()
    for data in files:
        key = hashlib.sha256(data).hexdigest()
        keys.append(key)
        if isinstance(store, FilesystemBlobStore):
            path = store.path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        else:
            assert isinstance(store, S3BlobStore)
            await asyncio.to_thread(store._client.put_object, Bucket=store.bucket, Key=store.prefix + key, Body=data)
    write = total / (time.perf_counter() - started)
    started = time.perf_counter()
    for key in keys:
        async for _ in store.read(key):
            pass
    read = total / (time.perf_counter() - started)
    return write, read


async def _through_api(client: Any, buyer: dict[str, str], sol: str, files: list[bytes]) -> tuple[float, float]:
    total = sum(len(f) for f in files) / MiB
    ids = []
    started = time.perf_counter()
    for i, data in enumerate(files):
        response = await client.post(f"{API}/solicitations/{sol}/documents", headers=buyer,
                                     data={"title": f"File {i}", "kind": "specification"},
                                     files={"file": (f"file-{i}.pdf", data, "application/pdf")})
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    upload = total / (time.perf_counter() - started)
    started = time.perf_counter()
    for doc_id in ids:
        async with client.stream("GET", f"{API}/documents/{doc_id}/content", headers=buyer) as response:
            assert response.status_code == 200
            async for _ in response.aiter_raw(1024 * 1024):
                pass
    download = total / (time.perf_counter() - started)
    return upload, download


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
                    api_up, api_down = await _through_api(client, buyer, sol,
                                                          [_pdf_like(size_mib * MiB) for _ in range(files)])
                    ceiling_up, ceiling_down = await _ceiling(store, [_pdf_like(size_mib * MiB) for _ in range(files)],
                                                              Path(tmp))
                    result.update({
                        "upload_mib_s": api_up, "upload_ceiling_mib_s": ceiling_up,
                        "upload_ratio": api_up / ceiling_up,
                        "download_mib_s": api_down, "download_ceiling_mib_s": ceiling_down,
                        "download_ratio": api_down / ceiling_down,
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
    """One result per store. The concurrent large uploads run on the filesystem store (the
    local S3 server keeps every object in its own memory)."""
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
        results.append(await _backend(settings, "s3", env, s3, files=files, size_mib=size_mib, parallel=0,
                                      big_mib=big_mib))
        await s3.close()
    finally:
        s3_server.stop()
    with contextlib.suppress(OSError):
        import shutil

        shutil.rmtree(data_dir)
    return results
