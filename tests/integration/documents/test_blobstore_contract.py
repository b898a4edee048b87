"""One contract for every document store: the filesystem and S3 (a real S3-compatible
server process on loopback). Application tests can trust either."""

from __future__ import annotations

import hashlib

import pytest

from infra.blobstore import BlobMissing, FilesystemBlobStore, S3BlobStore
from infra.s3_server import ACCESS_KEY, SECRET_KEY
from tests.support import unique


@pytest.fixture(params=["filesystem", "s3"])
async def store(request, tmp_path, local_s3):
    if request.param == "filesystem":
        made = FilesystemBlobStore(tmp_path / "blobs")
    else:
        made = S3BlobStore(endpoint=local_s3.endpoint, bucket=unique("civic-docs").lower().replace("_", "-"),
                           access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    yield made
    await made.close()


def _file(tmp_path, data: bytes):
    path = tmp_path / unique("upload")
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


async def _read(store, key, start=0, end=None) -> bytes:
    return b"".join([piece async for piece in store.read(key, start, end)])


async def test_a_blob_is_stored_once_and_read_back_whole_or_in_ranges(store, tmp_path):
    data = bytes(range(256)) * 4000  # ~1 MiB: several pieces
    path, key = _file(tmp_path, data)
    assert await store.size(key) is None
    assert await store.put_file(key, path) is True
    assert await store.put_file(key, path) is False  # content-addressed: stored once
    assert path.exists()  # the caller's file is left alone
    assert await store.size(key) == len(data)
    assert await _read(store, key) == data
    assert await _read(store, key, 1000, 1999) == data[1000:2000]
    assert await _read(store, key, len(data) - 5) == data[-5:]
    assert await _read(store, key, 300_000, 700_000) == data[300_000:700_001]
    assert key in [k async for k in store.keys()]


async def test_keys_lists_every_blob_and_a_missing_one_is_reported(store, tmp_path):
    keys = set()
    for i in range(3):
        path, key = _file(tmp_path, f"document {i}".encode())
        await store.put_file(key, path)
        keys.add(key)
    assert keys <= {k async for k in store.keys()}
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert await store.size(missing) is None
    with pytest.raises(BlobMissing):
        await _read(store, missing)


async def test_keys_must_be_content_addresses(store, tmp_path):
    path, _ = _file(tmp_path, b"x")
    with pytest.raises(ValueError):
        await store.put_file("../../etc/passwd", path)


async def test_a_blobs_fingerprint_changes_when_its_bytes_are_rewritten(store, tmp_path):
    data = b"%PDF-1.4 fingerprinted " + bytes(range(200)) * 50
    path, key = _file(tmp_path, data)
    assert await store.stat(key) is None
    await store.put_file(key, path)
    first = await store.stat(key)
    assert first is not None and first.size == len(data)
    assert await store.stat(key) == first  # stable while nothing changes
    await _rewrite(store, key, data[:-1] + b"!")  # what a tampering hand would do
    changed = await store.stat(key)
    assert changed is not None and changed.fingerprint != first.fingerprint


async def _rewrite(store, key: str, data: bytes) -> None:
    import asyncio
    import os

    if isinstance(store, FilesystemBlobStore):
        target = store.path(key)
        os.chmod(target, 0o640)
        await asyncio.sleep(0.01)  # a later modification time, even on a coarse clock
        target.write_bytes(data)
    else:
        await asyncio.to_thread(store._client.put_object, Bucket=store.bucket, Key=store.prefix + key, Body=data)
