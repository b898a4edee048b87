"""A download's body on each store: the plaintext whole or in ranges, and a blob changed
under a fingerprint that did not move is caught by the download's own hash before its
last piece goes out, so a client never receives wrong bytes as a complete response."""

from __future__ import annotations

import asyncio
import hashlib
import os
from types import SimpleNamespace

import pytest

from infra.blobstore import PIECE, FilesystemBlobStore, S3BlobStore
from infra.s3_server import ACCESS_KEY, SECRET_KEY
from services.documents.reading import Corrupted, body
from tests.support import unique


@pytest.fixture(params=["filesystem", "s3"])
async def store(request, tmp_path, local_s3):
    if request.param == "filesystem":
        made = FilesystemBlobStore(tmp_path / "blobs")
    else:
        made = S3BlobStore(endpoint=local_s3.endpoint, bucket=unique("civic-body").lower().replace("_", "-"),
                           access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    yield made
    await made.close()


async def _stored(store, tmp_path, data: bytes) -> SimpleNamespace:
    path = tmp_path / unique("upload")
    path.write_bytes(data)
    key = hashlib.sha256(data).hexdigest()
    await store.put_file(key, path)
    return SimpleNamespace(blob=key, size=len(data))


def _overwrite(path, data: bytes) -> None:
    """Other bytes in the same file: the same inode, size and modification time."""
    before = path.stat()
    os.chmod(path, 0o640)
    with open(path, "r+b") as fh:
        fh.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


async def _rewrite_in_place(store, key: str, data: bytes) -> None:
    if isinstance(store, FilesystemBlobStore):
        _overwrite(store.path(key), data)
    else:
        assert isinstance(store, S3BlobStore)
        await asyncio.to_thread(store._client.put_object, Bucket=store.bucket, Key=store.prefix + key, Body=data)


async def test_the_body_is_the_stored_bytes_whole_or_in_ranges(store, tmp_path):
    data = os.urandom(2 * PIECE + 12345)
    doc = await _stored(store, tmp_path, data)
    assert b"".join([p async for p in body(store, doc, None, 0, len(data) - 1)]) == data
    assert b"".join([p async for p in body(store, doc, None, PIECE - 5, PIECE + 5)]) == data[PIECE - 5:PIECE + 6]


async def test_a_changed_blob_never_goes_out_whole(store, tmp_path):
    data = os.urandom(2 * PIECE + 12345)
    doc = await _stored(store, tmp_path, data)
    flipped = bytearray(data)
    flipped[-10] ^= 0x20  # in the last piece: every earlier piece is as stored
    await _rewrite_in_place(store, doc.blob, bytes(flipped))
    faults: list[str] = []

    async def fault(reason: str) -> None:
        faults.append(reason)

    sent = bytearray()
    with pytest.raises(Corrupted):
        async for piece in body(store, doc, None, 0, len(data) - 1, fault):
            sent += piece
    assert faults == ["hash mismatch"]
    assert len(sent) < len(data) and bytes(sent) == data[:len(sent)]
