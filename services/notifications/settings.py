"""Notification settings, read once from the environment (or ``Settings.extra`` in tests)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from infra.settings import Settings, secret


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    #: implicit TLS (smtps://)
    use_tls: bool = False
    #: None: STARTTLS when the server offers it; True: required
    start_tls: bool | None = None


@dataclass(frozen=True)
class NotificationSettings:
    #: ``smtp://user:pass@host:587?starttls=1`` or ``smtps://host:465``; None: embedded server
    smtp_url: str | None
    mail_from: str
    #: where links in mails point
    public_url: str
    allow_http_webhooks: bool
    batch_size: int = 200
    #: how long a claimed row is a sender's before another may claim it (a crashed sender's rows)
    lease_s: float = 60.0

    @classmethod
    def of(cls, settings: Settings) -> NotificationSettings:
        def get(name: str, default: str = "") -> str:
            return settings.extra.get(name) or os.environ.get(name) or default

        return cls(
            # it carries the SMTP password: a secret, so it may come from CIVIC_SMTP_URL_FILE
            smtp_url=settings.extra.get("CIVIC_SMTP_URL") or secret("CIVIC_SMTP_URL"),
            mail_from=get("CIVIC_MAIL_FROM", "Civic Marketplace <notices@civic.localhost>"),
            public_url=get("CIVIC_PUBLIC_URL", f"http://{settings.host}:{settings.port}").rstrip("/"),
            allow_http_webhooks=settings.dev_clock or get("CIVIC_WEBHOOK_ALLOW_HTTP") in {"1", "true"},
            batch_size=int(get("CIVIC_MAIL_BATCH", "200")),
            lease_s=float(get("CIVIC_MAIL_LEASE_S", "60")),
        )


def smtp_target(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("CIVIC_SMTP_URL must look like smtp://user:pass@host:587")
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    implicit = parts.scheme == "smtps"
    return SmtpTarget(
        host=parts.hostname, port=parts.port or (465 if implicit else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=implicit,
        start_tls=True if query.get("starttls") in {"1", "true", "yes"} else None,
    )
