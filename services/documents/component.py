"""What the documents context contributes to the composition root."""

from litestar.datastructures import State
from litestar.di import Provide

from infra.blobstore import BlobStore
from infra.components import Component
from infra.scanner import Scanner
from services.documents.api import ROUTES
from services.documents.readmodel import DocumentsProjection
from services.documents.settings import DocumentSettings
from services.documents.storage import document_settings_of, scanner_of, store_of
from services.documents.timers import timer_handlers
from services.documents.verification import verify_blobs


def provide_store(state: State) -> BlobStore:
    """The container's document store (filesystem or S3), for the upload and download routes."""
    return store_of(state.civic)


def provide_scanner(state: State) -> Scanner:
    """The container's malware scanner (clamd when configured), for the upload routes."""
    return scanner_of(state.civic)


def provide_document_settings(state: State) -> DocumentSettings:
    """Size limit, allowed types and backends of documents, for the upload routes."""
    return document_settings_of(state.civic)


COMPONENT = Component(
    name="documents",
    route_handlers=ROUTES,
    projections=lambda civic: [DocumentsProjection()],
    timer_handlers=timer_handlers,
    status=verify_blobs,
    dependencies={
        "document_store": Provide(provide_store, sync_to_thread=False),
        "scanner": Provide(provide_scanner, sync_to_thread=False),
        "document_settings": Provide(provide_document_settings, sync_to_thread=False),
    },
)
