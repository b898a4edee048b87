"""Document settings, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from services.documents.sniff import DEFAULT_ALLOWED

MiB = 1024 * 1024


@dataclass(frozen=True)
class DocumentSettings:
    #: the largest file one upload may carry (413 beyond)
    max_bytes: int = 100 * MiB
    #: media types accepted, as detected from the bytes (415 otherwise)
    allowed_types: tuple[str, ...] = DEFAULT_ALLOWED
    #: clamd to scan uploads with (``tcp://host:3310``); None: documents are ``unscanned``
    clamd_url: str | None = None
    #: S3-compatible storage; without a bucket, blobs live under the data folder
    s3_bucket: str | None = None
    s3_endpoint: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key: str | None = field(default=None, repr=False)  # a secret: never in a log line
    s3_secret_key: str | None = field(default=None, repr=False)  # a secret: never in a log line

    @classmethod
    def from_env(cls) -> DocumentSettings:
        env = os.environ
        types = env.get("CIVIC_DOCUMENT_TYPES")
        return cls(
            max_bytes=int(env.get("CIVIC_DOCUMENT_MAX_BYTES", str(100 * MiB))),
            allowed_types=tuple(t.strip() for t in types.split(",") if t.strip()) if types else DEFAULT_ALLOWED,
            clamd_url=env.get("CIVIC_CLAMD_URL") or None,
            s3_bucket=env.get("CIVIC_S3_BUCKET") or None,
            s3_endpoint=env.get("CIVIC_S3_ENDPOINT") or None,
            s3_region=env.get("CIVIC_S3_REGION", "us-east-1"),
            s3_access_key=env.get("CIVIC_S3_ACCESS_KEY_ID") or env.get("AWS_ACCESS_KEY_ID") or None,
            s3_secret_key=env.get("CIVIC_S3_SECRET_ACCESS_KEY") or env.get("AWS_SECRET_ACCESS_KEY") or None,
        )


SETTINGS = DocumentSettings.from_env()
