"""The embedded SMTP server (aiosmtpd): with no ``CIVIC_SMTP_URL``, the marketplace's
mail goes here and is kept under the data folder, so a new user can read what was sent
(``civic mail list|show``), like localstripe shows payments. Tests use it as their real
SMTP server.

One ``.eml`` file per ``Message-ID`` (a mail received again after a sender's crash is
recognisably the same mail and is kept once); ``received.log`` has one line per
reception, so a test can also count how often each mail arrived.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from infra.embedded import free_port

log = logging.getLogger("civic.smtp")
# aiosmtpd logs every SMTP command at INFO
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class StoredMail:
    id: str
    path: Path

    def message(self) -> EmailMessage:
        return message_from_bytes(self.path.read_bytes(), policy=policy.default)  # type: ignore[return-value]


class MailStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    @staticmethod
    def id_of(message_id: str) -> str:
        return hashlib.sha256(message_id.strip().encode()).hexdigest()[:16]

    def keep(self, raw: bytes) -> str:
        msg = message_from_bytes(raw, policy=policy.default)
        message_id = str(msg.get("Message-ID") or hashlib.sha256(raw).hexdigest())
        mail_id = self.id_of(message_id)
        with self._lock:
            path = self.folder / f"{mail_id}.eml"
            if not path.exists():
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(raw)
                os.replace(tmp, path)
            with (self.folder / "received.log").open("a") as log_file:
                log_file.write(f"{mail_id} {message_id.strip()}\n")
        return mail_id

    def all(self) -> list[StoredMail]:
        found = [StoredMail(p.stem, p) for p in self.folder.glob("*.eml")]
        return sorted(found, key=lambda m: (m.path.stat().st_mtime_ns, m.id))

    def get(self, mail_id: str) -> StoredMail | None:
        matches = [m for m in self.all() if m.id.startswith(mail_id)] if mail_id else []
        return matches[0] if len(matches) == 1 else None

    def receptions(self) -> list[str]:
        """The Message-ID of every reception, in order (duplicates included)."""
        path = self.folder / "received.log"
        return [line.split(" ", 1)[1] for line in path.read_text().splitlines()] if path.exists() else []


class _Handler:
    def __init__(self, store: MailStore, refuse: Callable[[str], int | None] | None) -> None:
        self.store = store
        self.refuse = refuse
        self.received = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        code = self.refuse(address) if self.refuse else None
        if code:
            return f"{code} mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.store.keep(envelope.original_content or envelope.content)
        self.received += 1
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on loopback, in a thread of its own."""

    def __init__(self, folder: Path, *, port: int | None = None,
                 refuse: Callable[[str], int | None] | None = None) -> None:
        self.store = MailStore(folder)
        self.port = port or free_port()
        self.handler = _Handler(self.store, refuse)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     data_size_limit=10 * 1024 * 1024)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> int:
        """Mails accepted since the start (a mail received twice counts twice)."""
        return self.handler.received

    def start(self) -> SmtpServer:
        self.controller.start()
        log.info("embedded SMTP server at %s keeping mail in %s", self.url, self.store.folder)
        return self

    def stop(self) -> None:
        self.controller.stop()


def mail_folder(data_dir: Path) -> Path:
    return data_dir / "mail"
