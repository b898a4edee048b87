"""The document store of the app under test: the filesystem, or S3 on a real
S3-compatible server process (moto) on loopback."""

from __future__ import annotations

import pytest

from infra.blobstore import FilesystemBlobStore, S3BlobStore
from infra.s3_server import ACCESS_KEY, SECRET_KEY
from services.documents.storage import using
from tests.support import unique


@pytest.fixture(params=["filesystem", "s3"])
async def backend(request, client, tmp_path):
    """Point the app's documents at a fresh store of each kind; yields the store."""
    if request.param == "filesystem":
        store = FilesystemBlobStore(tmp_path / "blobs")
    else:
        local_s3 = request.getfixturevalue("local_s3")
        store = S3BlobStore(endpoint=local_s3.endpoint, bucket=unique("docs").lower().replace("_", "-"),
                            access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    with using(client.app.state.civic, store=store):
        yield store


async def raw_blobs(store) -> dict[str, bytes]:
    """Every stored object's raw bytes, as the storage holds them."""
    return {key: b"".join([p async for p in store.read(key)]) async for key in store.keys()}
