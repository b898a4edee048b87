"""The document store, scanner and settings of a container (one each, made on first use).

Routes receive them as typed dependencies from the documents component
(``document_store: BlobStore``, ``scanner: Scanner``, ``document_settings: DocumentSettings``);
``using(...)`` replaces them for a while (tests).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infra.blobstore import BlobStore, FilesystemBlobStore, S3BlobStore
from infra.keys import master_key
from infra.scanner import Scanner, scanner_for
from infra.settings import Settings
from services.documents.settings import SETTINGS, DocumentSettings

if TYPE_CHECKING:
    from infra.container import Civic

_STORES: weakref.WeakKeyDictionary[Civic, BlobStore] = weakref.WeakKeyDictionary()
_SCANNERS: weakref.WeakKeyDictionary[Civic, Scanner] = weakref.WeakKeyDictionary()
_SETTINGS: weakref.WeakKeyDictionary[Civic, DocumentSettings] = weakref.WeakKeyDictionary()


def make_store(settings: DocumentSettings, data_dir: Path) -> BlobStore:
    """S3 when a bucket is configured, else content-addressed files under the data folder."""
    if settings.s3_bucket:
        return S3BlobStore(endpoint=settings.s3_endpoint, bucket=settings.s3_bucket,
                           access_key=settings.s3_access_key, secret_key=settings.s3_secret_key,
                           region=settings.s3_region)
    return FilesystemBlobStore(data_dir / "documents" / "blobs")


def document_settings_of(civic: Civic) -> DocumentSettings:
    """The container's document settings: the process's, unless replaced by ``using``."""
    return _SETTINGS.get(civic, SETTINGS)


def store_of(civic: Civic) -> BlobStore:
    store = _STORES.get(civic)
    if store is None:
        store = _STORES[civic] = make_store(document_settings_of(civic), civic.settings.data_dir)
    return store


def scanner_of(civic: Civic) -> Scanner:
    scanner = _SCANNERS.get(civic)
    if scanner is None:
        scanner = _SCANNERS[civic] = scanner_for(document_settings_of(civic).clamd_url)
    return scanner


@contextmanager
def using(civic: Civic, *, store: BlobStore | None = None, scanner: Scanner | None = None,
          settings: DocumentSettings | None = None) -> Iterator[None]:
    """The container uses this store, scanner or settings inside the block (tests: another
    backend, a clamd server, a smaller size limit); what it had before comes back after."""
    chosen: list[tuple[weakref.WeakKeyDictionary[Civic, Any], Any]] = [
        (kept, value) for kept, value in ((_STORES, store), (_SCANNERS, scanner), (_SETTINGS, settings))
        if value is not None]
    before = [(kept, kept.get(civic)) for kept, _ in chosen]
    for kept, value in chosen:
        kept[civic] = value
    try:
        yield
    finally:
        for kept, previous in before:
            if previous is None:
                kept.pop(civic, None)
            else:
                kept[civic] = previous


def master_of(settings: Settings, version: int | None = None) -> tuple[int, bytes]:
    """The bid master key a bid's document is sealed under: the active one for a new
    document, else the version that sealed it."""
    return master_key(settings, version)


def spool_dir(settings: Settings) -> Path:
    return settings.data_dir / "documents" / "spool"
