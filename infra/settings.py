"""Settings, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    nats_url: str | None = None
    data_dir: Path = PROJECT_ROOT / ".civic"
    stream_name: str = "CIVIC_EVENTS"
    subject_prefix: str = "civic.events"
    stream_replicas: int = 1
    signing_key: str | None = field(default=None, repr=False)  # a secret: never in a log line
    token_issuer: str = "civic-marketplace"
    dev_clock: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 1024 * 1024
    ocid_prefix: str = "civic"
    #: where clients reach the API (links in the open-data feed); default http://host:port
    public_url: str | None = None
    stripe_api_key: str | None = field(default=None, repr=False)  # a secret: never in a log line
    stripe_webhook_secret: str | None = field(default=None, repr=False)  # a secret: never in a log line
    stripe_api_base: str | None = None
    bid_key: str | None = field(default=None, repr=False)  # a secret: never in a log line
    rate_limit_per_minute: int = 600
    #: where a worker process serves GET /metrics (0: nowhere); loopback unless told otherwise
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 0
    metrics_token: str | None = field(default=None, repr=False)  # a secret: never in a log line
    #: "json": one JSON object per log line; anything else: human-readable lines
    log_format: str = "text"
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            nats_url=env.get("NATS_URL") or None,
            data_dir=Path(env.get("CIVIC_DATA_DIR", PROJECT_ROOT / ".civic")),
            stream_name=env.get("CIVIC_STREAM", "CIVIC_EVENTS"),
            subject_prefix=env.get("CIVIC_SUBJECT_PREFIX", "civic.events"),
            stream_replicas=int(env.get("CIVIC_STREAM_REPLICAS", "1")),
            signing_key=env.get("CIVIC_SIGNING_KEY") or None,
            dev_clock=_flag("CIVIC_DEV_CLOCK"),
            host=env.get("CIVIC_HOST", "127.0.0.1"),
            port=int(env.get("CIVIC_PORT", "8000")),
            max_body_bytes=int(env.get("CIVIC_MAX_BODY_BYTES", str(1024 * 1024))),
            ocid_prefix=env.get("CIVIC_OCID_PREFIX", "civic"),
            public_url=env.get("CIVIC_PUBLIC_URL") or None,
            stripe_api_key=env.get("STRIPE_API_KEY") or None,
            stripe_webhook_secret=env.get("STRIPE_WEBHOOK_SECRET") or None,
            stripe_api_base=env.get("STRIPE_API_BASE") or None,
            bid_key=env.get("CIVIC_BID_KEY") or None,
            rate_limit_per_minute=int(env.get("CIVIC_RATE_LIMIT_PER_MINUTE", "600")),
            metrics_host=env.get("CIVIC_METRICS_HOST", "127.0.0.1"),
            metrics_port=int(env.get("CIVIC_METRICS_PORT", "0")),
            metrics_token=env.get("CIVIC_METRICS_TOKEN") or None,
            log_format=env.get("CIVIC_LOG_FORMAT", "text").strip().lower(),
        )

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)
