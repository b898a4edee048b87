"""Settings, read from the environment once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def secret(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (as container
    platforms mount secrets); setting both is an error, so nobody wonders which won."""
    env = os.environ if env is None else env
    value, path = env.get(name) or None, env.get(f"{name}_FILE") or None
    if value and path:
        raise ValueError(f"set {name} or {name}_FILE, not both")
    if path:
        return Path(path).read_text().strip() or None
    return value


def _named_rate_limits(env: Mapping[str, str]) -> dict[str, int]:
    """``CIVIC_RATE_LIMIT_UPLOADS=20`` -> ``{"uploads": 20}`` (see ``ratelimit.limited``)."""
    prefix = "CIVIC_RATE_LIMIT_"
    skip = {"PER_MINUTE", "REFILL_S"}
    return {k[len(prefix):].lower(): int(v) for k, v in env.items()
            if k.startswith(prefix) and k[len(prefix):] not in skip and v.strip()}


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _pairs(text: str) -> dict[str, str]:
    """``a=b,c=d`` as a mapping (``CIVIC_OIDC_ROLE_MAP``)."""
    found: dict[str, str] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        if sep and name.strip() and value.strip():
            found[name.strip()] = value.strip()
    return found


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
    #: the portal's development sign-in page (also on with ``dev_clock``)
    dev_login: bool = False
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
    keyring_file: Path | None = None  # rotated keys (infra/keys.py); default <data_dir>/keyring.json
    rate_limit_per_minute: int = 600
    #: where a worker process serves GET /metrics (0: nowhere); loopback unless told otherwise
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 0
    metrics_token: str | None = field(default=None, repr=False)  # a secret: never in a log line
    #: "json": one JSON object per log line; anything else: human-readable lines
    log_format: str = "text"
    rate_limit_refill_s: float = 60.0  # an empty bucket is full again after this long
    named_rate_limits: dict[str, int] = field(default_factory=dict)  # per vendor and per address
    #: OpenID Connect sign-in and issuer access tokens (infra/http/oidc.py); off without an issuer
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = field(default=None, repr=False)  # a secret: never in a log line
    oidc_audience: str | None = None  # the API's audience in access tokens; default the client id
    oidc_algorithms: tuple[str, ...] = ("RS256",)
    oidc_role_claim: str = "role"
    oidc_agency_claim: str = "agency"
    oidc_vendor_claim: str = "vendor"
    #: the issuer's role names onto the product's (a role not listed must be a product role)
    oidc_role_map: dict[str, str] = field(default_factory=dict)
    oidc_jwks_min_refresh_s: float = 30.0  # an unknown key id refetches the JWKS at most this often
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=secret("DATABASE_URL", env),
            nats_url=secret("NATS_URL", env),
            data_dir=Path(env.get("CIVIC_DATA_DIR", PROJECT_ROOT / ".civic")),
            stream_name=env.get("CIVIC_STREAM", "CIVIC_EVENTS"),
            subject_prefix=env.get("CIVIC_SUBJECT_PREFIX", "civic.events"),
            stream_replicas=int(env.get("CIVIC_STREAM_REPLICAS", "1")),
            signing_key=secret("CIVIC_SIGNING_KEY", env),
            dev_clock=_flag("CIVIC_DEV_CLOCK"),
            dev_login=_flag("CIVIC_DEV_LOGIN"),
            host=env.get("CIVIC_HOST", "127.0.0.1"),
            port=int(env.get("CIVIC_PORT", "8000")),
            max_body_bytes=int(env.get("CIVIC_MAX_BODY_BYTES", str(1024 * 1024))),
            ocid_prefix=env.get("CIVIC_OCID_PREFIX", "civic"),
            public_url=env.get("CIVIC_PUBLIC_URL") or None,
            stripe_api_key=secret("STRIPE_API_KEY", env),
            stripe_webhook_secret=secret("STRIPE_WEBHOOK_SECRET", env),
            stripe_api_base=env.get("STRIPE_API_BASE") or None,
            bid_key=secret("CIVIC_BID_KEY", env),
            keyring_file=Path(env["CIVIC_KEYRING_FILE"]) if env.get("CIVIC_KEYRING_FILE") else None,
            rate_limit_per_minute=int(env.get("CIVIC_RATE_LIMIT_PER_MINUTE", "600")),
            metrics_host=env.get("CIVIC_METRICS_HOST", "127.0.0.1"),
            metrics_port=int(env.get("CIVIC_METRICS_PORT", "0")),
            metrics_token=secret("CIVIC_METRICS_TOKEN", env),
            log_format=env.get("CIVIC_LOG_FORMAT", "text").strip().lower(),
            rate_limit_refill_s=float(env.get("CIVIC_RATE_LIMIT_REFILL_S", "60")),
            named_rate_limits=_named_rate_limits(env),
            oidc_issuer=env.get("CIVIC_OIDC_ISSUER") or None,
            oidc_client_id=env.get("CIVIC_OIDC_CLIENT_ID") or None,
            oidc_client_secret=secret("CIVIC_OIDC_CLIENT_SECRET", env),
            oidc_audience=env.get("CIVIC_OIDC_AUDIENCE") or None,
            oidc_algorithms=tuple(a.strip() for a in env.get("CIVIC_OIDC_ALGORITHMS", "RS256").split(",") if a.strip()),
            oidc_role_claim=env.get("CIVIC_OIDC_ROLE_CLAIM", "role"),
            oidc_agency_claim=env.get("CIVIC_OIDC_AGENCY_CLAIM", "agency"),
            oidc_vendor_claim=env.get("CIVIC_OIDC_VENDOR_CLAIM", "vendor"),
            oidc_role_map=_pairs(env.get("CIVIC_OIDC_ROLE_MAP", "")),
            oidc_jwks_min_refresh_s=float(env.get("CIVIC_OIDC_JWKS_MIN_REFRESH_S", "30")),
        )

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)
