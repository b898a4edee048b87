"""Mail messages and the SMTP transport (aiosmtplib: STARTTLS, implicit TLS, AUTH).

The ``Message-ID`` derives from the notice id, so a mail sent again after a crash is
recognisably the same mail. A message is built once into the bytes the server receives:
the standard library's ``compat32`` MIME classes do that several times faster than
``EmailMessage``'s header registry, which matters when one publication is mailed to ten
thousand followers.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email import charset, policy
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from functools import cache
from typing import Any

import aiosmtplib
import msgspec

from services.notifications.settings import SmtpTarget
from services.notifications.templates import Rendered

_UTF8 = charset.Charset("utf-8")
_UTF8.header_encoding = charset.QP
_UTF8.body_encoding = charset.QP
_WIRE = policy.compat32.clone(linesep="\r\n")


class Mail(msgspec.Struct, frozen=True, kw_only=True):
    """A message ready for the wire: its envelope and its bytes."""

    sender: str
    to: str
    message_id: str
    data: bytes


def message_id(notice_id: str, mail_from: str) -> str:
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "civic.localhost"
    return f"<{hashlib.sha256(notice_id.encode()).hexdigest()[:40]}@{domain}>"


@cache
def _address(value: str) -> tuple[str, str]:
    """(the header value, the bare address) of ``Name <address>`` or a bare address."""
    name, address = parseaddr(value)
    return (formataddr((name, address), charset="utf-8") if name else address), address


class _Unfolded:
    """A header value written as it is, on one line: short ASCII values need no folding
    (asking the generator to fold each costs more than the rest of the message), and a URL
    in angle brackets has nowhere to fold."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def encode(self, linesep: str = "\n", maxlinelen: int | None = None) -> str:
        return self.value

    def __str__(self) -> str:
        return self.value


def _header(value: str) -> Any:
    if not value.isascii():
        return Header(value, _UTF8)
    return _Unfolded(value) if len(value) < 900 else value


def _part(text: str, subtype: str) -> MIMEText:
    # A Charset (quoted-printable bodies, rather than base64) is accepted at run time; the stubs name str only.
    charset_: Any = _UTF8
    return MIMEText(text, subtype, charset_)


def build_message(*, notice_id: str, mail_from: str, to: str, rendered: Rendered, language: str,
                  sent_at: datetime, unsubscribe_url: str | None) -> Mail:
    ident = message_id(notice_id, mail_from)
    # Quoted-printable never writes "=_", so a boundary starting with it is never in a part.
    msg = MIMEMultipart("alternative", boundary="=_" + ident[1:17])
    sender, envelope_from = _address(mail_from)
    recipient, envelope_to = _address(to)
    headers = {"From": sender, "To": recipient, "Subject": rendered.subject, "Date": format_datetime(sent_at),
               "Message-ID": ident, "X-Civic-Notice": notice_id, "Content-Language": language}
    if unsubscribe_url:
        # RFC 8058: a mail client may unsubscribe with one POST, without opening a page.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    for name, value in headers.items():
        msg[name] = _header(value)
    msg.attach(_part(rendered.text, "plain"))
    msg.attach(_part(rendered.html, "html"))
    return Mail(sender=envelope_from, to=envelope_to, message_id=ident, data=msg.as_bytes(policy=_WIRE))


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

    async def send(self, mail: Mail) -> None:
        client = await self._connected()
        try:
            await client.sendmail(mail.sender, [mail.to], mail.data)
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
