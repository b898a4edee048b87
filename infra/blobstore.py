"""Content-addressed blob storage for document bodies: the filesystem or S3.

A blob's key is the SHA-256 (hex) of its bytes, so the same bytes are stored once and a
reader can verify what it got. Blobs are written whole from a local file (never from
memory) and read as a stream of pieces, optionally a byte range: ``pieces`` is the blocking
iterator, for a caller that does more with each piece in the same worker thread (hashing,
opening sealed chunks: one thread hand-off per piece, not two), and ``read`` the same
pieces taken off the event loop one at a time. Nothing is deleted.

``stat`` gives a blob's size and a fingerprint that changes whenever the stored bytes are
rewritten (the file's inode, size and modification time; the object's ETag and date), so
a reader that has verified a blob's hash once need not re-read it before serving it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import shutil
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

PIECE = 1024 * 1024
_KEY = re.compile(r"^[0-9a-f]{64}$")
T = TypeVar("T")


class BlobMissing(Exception):
    """No blob is stored under the key."""


@dataclass(frozen=True)
class BlobStat:
    size: int
    #: changes whenever the stored bytes are rewritten
    fingerprint: str


def check_key(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"not a blob key: {key!r}")
    return key


@runtime_checkable  # Litestar checks injected dependencies against their annotation
class BlobStore(Protocol):
    name: str

    async def put_file(self, key: str, path: Path) -> bool:
        """Store a copy of the file at ``path`` under ``key`` (its SHA-256); False when the
        blob was already there (nothing written). The caller keeps ``path``."""

    async def size(self, key: str) -> int | None:
        """The stored size, or None when there is no such blob."""

    async def stat(self, key: str) -> BlobStat | None:
        """The stored size and fingerprint, or None when there is no such blob."""

    def pieces(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """The bytes ``[start, end]`` (inclusive; ``end`` None: to the last byte), blocking:
        advance it in a worker thread (``Stepper``). ``BlobMissing`` on the first piece."""

    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """``pieces``, each taken in a worker thread."""

    def keys(self) -> AsyncIterator[str]:
        """Every stored key."""

    async def close(self) -> None: ...


class FilesystemBlobStore:
    """Blobs under ``root/ab/cd/<key>``: written to a temporary name, then renamed."""

    name = "filesystem"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._tmp = root / "tmp"

    def path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key[2:4] / key

    async def put_file(self, key: str, path: Path) -> bool:
        target = self.path(key)
        if target.exists():
            return False
        return await asyncio.to_thread(self._put, target, path)

    def _put(self, target: Path, path: Path) -> bool:
        target.parent.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(parents=True, exist_ok=True)
        staging = self._tmp / f"{target.name}.{secrets.token_hex(8)}"
        try:
            try:
                os.link(path, staging)  # same file system: no copy
            except OSError:
                shutil.copyfile(path, staging)
            os.chmod(staging, 0o440)
            if target.exists():
                return False
            os.replace(staging, target)
            return True
        finally:
            with contextlib.suppress(FileNotFoundError):
                staging.unlink()

    async def size(self, key: str) -> int | None:
        found = await self.stat(key)
        return None if found is None else found.size

    async def stat(self, key: str) -> BlobStat | None:
        try:
            st = self.path(key).stat()
        except FileNotFoundError:
            return None
        return BlobStat(size=st.st_size, fingerprint=f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}")

    def pieces(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        try:
            fh = open(self.path(key), "rb", buffering=0)
        except FileNotFoundError as exc:
            raise BlobMissing(key) from exc
        with fh:
            fh.seek(start)
            remaining = None if end is None else end - start + 1
            while remaining is None or remaining > 0:
                piece = fh.read(PIECE if remaining is None else min(PIECE, remaining))
                if not piece:
                    break
                if remaining is not None:
                    remaining -= len(piece)
                yield piece

    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        return in_thread(self.pieces(key, start, end))

    async def keys(self) -> AsyncIterator[str]:
        if not self.root.exists():
            return
        for path in sorted(self.root.glob("??/??/*")):
            if _KEY.match(path.name):
                yield path.name

    async def close(self) -> None:
        return None


class S3BlobStore:
    """Blobs as objects ``<prefix><key>`` of one bucket, through boto3 (run in threads).
    Uploads are boto3's managed multipart uploads, read from the local file by one transfer
    manager per store, so that many uploads at once share a bounded set of threads (and the
    memory of their parts) instead of each bringing its own."""

    name = "s3"

    def __init__(self, *, endpoint: str | None, bucket: str, access_key: str | None = None,
                 secret_key: str | None = None, region: str = "us-east-1", prefix: str = "blobs/") -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix
        self._client: Any = boto3.client(
            "s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(max_pool_connections=32, retries={"max_attempts": 3, "mode": "standard"}))
        self._ready = False
        from boto3.s3.transfer import TransferConfig, create_transfer_manager

        # one PUT up to 32 MiB; larger files go up in 8 MiB parts, at most 16 parts in
        # flight for the whole store, whatever the number of concurrent uploads
        self._transfer = create_transfer_manager(self._client, TransferConfig(
            multipart_threshold=32 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024, max_concurrency=16))

    def _object(self, key: str) -> str:
        return self.prefix + check_key(key)

    async def _ensure_bucket(self) -> None:
        if not self._ready:
            await asyncio.to_thread(self._ensure_bucket_now)

    def _ensure_bucket_now(self) -> None:
        if self._ready:
            return
        from botocore.exceptions import ClientError

        try:
            self._client.head_bucket(Bucket=self.bucket)
        except ClientError:
            with contextlib.suppress(ClientError):  # created meanwhile by another process
                self._client.create_bucket(Bucket=self.bucket)
        self._ready = True

    async def put_file(self, key: str, path: Path) -> bool:
        await self._ensure_bucket()
        if await self.size(key) is not None:
            return False
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[None] = loop.create_future()
        future = self._transfer.upload(str(path), self.bucket, self._object(key),
                                       subscribers=[_Done(loop, finished)])
        await finished
        future.result()  # done: raises what the transfer raised
        return True

    async def size(self, key: str) -> int | None:
        found = await self.stat(key)
        return None if found is None else found.size

    async def stat(self, key: str) -> BlobStat | None:
        from botocore.exceptions import ClientError

        await self._ensure_bucket()
        try:
            head = await asyncio.to_thread(self._client.head_object, Bucket=self.bucket, Key=self._object(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return BlobStat(size=int(head["ContentLength"]),
                        fingerprint=f"{head.get('ETag', '')}:{head.get('LastModified', '')}")

    def pieces(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        self._ensure_bucket_now()
        ranged = f"bytes={start}-{'' if end is None else end}"
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=self._object(key), Range=ranged)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise BlobMissing(key) from exc
            raise
        body = response["Body"]
        try:
            while piece := body.read(PIECE):
                yield piece
        finally:
            body.close()

    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        return in_thread(self.pieces(key, start, end))

    async def keys(self) -> AsyncIterator[str]:
        await self._ensure_bucket()
        token: str | None = None
        while True:
            args: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix}
            if token:
                args["ContinuationToken"] = token
            page = await asyncio.to_thread(self._client.list_objects_v2, **args)
            for item in page.get("Contents", ()):
                name = item["Key"][len(self.prefix):]
                if _KEY.match(name):
                    yield name
            if not page.get("IsTruncated"):
                return
            token = page.get("NextContinuationToken")

    async def close(self) -> None:
        await asyncio.to_thread(self._transfer.shutdown)
        await asyncio.to_thread(self._client.close)



class _Done:
    """An s3transfer subscriber that wakes the awaiting task when the transfer ends."""

    def __init__(self, loop: asyncio.AbstractEventLoop, finished: asyncio.Future[None]) -> None:
        self._loop, self._finished = loop, finished

    def on_queued(self, **kwargs: Any) -> None: ...

    def on_progress(self, **kwargs: Any) -> None: ...

    def on_done(self, **kwargs: Any) -> None:
        self._loop.call_soon_threadsafe(self._settle)

    def _settle(self) -> None:
        if not self._finished.done():
            self._finished.set_result(None)


class Stepper:
    """A blocking iterator advanced in worker threads, one step at a time. Closing it waits
    for a step under way (a generator cannot be closed while another thread runs it), in a
    worker thread of its own when one is running, so that the event loop never blocks."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._lock = threading.Lock()

    def step(self, work: Callable[[bytes], T]) -> T | None:
        """``work`` of the next piece, or None after the last (blocking)."""
        with self._lock:
            piece = next(self._pieces, None)
            return None if piece is None else work(piece)

    def _close(self) -> None:
        close = getattr(self._pieces, "close", None)
        if close is not None:
            close()

    def _close_after_step(self) -> None:
        with self._lock:
            self._close()

    def close(self) -> None:
        if self._lock.acquire(blocking=False):
            try:
                self._close()
            finally:
                self._lock.release()
        else:
            asyncio.get_running_loop().run_in_executor(None, self._close_after_step)


def _same(piece: bytes) -> bytes:
    return piece


async def in_thread(pieces: Iterator[bytes]) -> AsyncIterator[bytes]:
    """The pieces of a blocking iterator, each taken in a worker thread."""
    source = Stepper(pieces)
    try:
        while (piece := await asyncio.to_thread(source.step, _same)) is not None:
            yield piece
    finally:
        source.close()
