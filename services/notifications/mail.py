"""Mail messages and the SMTP transport (aiosmtplib: STARTTLS, implicit TLS, AUTH).

The ``Message-ID`` derives from the notice id, so a mail sent again after a crash is
recognisably the same mail.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import aiosmtplib

from services.notifications.settings import SmtpTarget
from services.notifications.templates import Rendered


def message_id(notice_id: str, mail_from: str) -> str:
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "civic.localhost"
    return f"<{hashlib.sha256(notice_id.encode()).hexdigest()[:40]}@{domain}>"


def build_message(*, notice_id: str, mail_from: str, to: str, rendered: Rendered, language: str,
                  sent_at: datetime, unsubscribe_url: str | None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = to
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(sent_at)
    msg["Message-ID"] = message_id(notice_id, mail_from)
    msg["X-Civic-Notice"] = notice_id
    if unsubscribe_url:
        # RFC 8058: a mail client may unsubscribe with one POST, without opening a page.
        msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    msg["Content-Language"] = language  # after the parts: content headers move into the first one
    return msg


def is_permanent(exc: BaseException) -> str | None:
    """The server's reply when it refused the mail for good (5xx), else ``None``."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r for r in exc.recipients if r.code >= 500]
        return f"{codes[0].code} {codes[0].message}" if codes else None
    if isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code >= 500:
        return f"{exc.code} {exc.message}"
    return None


class SmtpTransport:
    """One SMTP connection, opened on first use and again after a failure."""

    def __init__(self, target: SmtpTarget, timeout_s: float = 30.0) -> None:
        self.target = target
        self.timeout_s = timeout_s
        self._client: aiosmtplib.SMTP | None = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is None or not self._client.is_connected:
            t = self.target
            client = aiosmtplib.SMTP(hostname=t.host, port=t.port, use_tls=t.use_tls, start_tls=t.start_tls,
                                     username=t.username, password=t.password, timeout=self.timeout_s)
            await client.connect()
            self._client = client
        return self._client

    async def send(self, msg: EmailMessage) -> None:
        client = await self._connected()
        try:
            await client.send_message(msg)
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code < 500:  # the connection may be unusable after a temporary failure
                await self.close()
            else:
                await client.rset()
            raise
        except Exception:
            await self.close()
            raise

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except Exception:  # noqa: BLE001 - closing a broken connection
                client.close()
