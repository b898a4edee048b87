"""Reading the mail the marketplace sent: the embedded SMTP server's store of this run."""

from __future__ import annotations

from typing import Any

from infra.smtp_server import MailStore, mail_folder
from tests.support import eventually, unique


def store_of(settings) -> MailStore:
    return MailStore(mail_folder(settings.data_dir))


def address(prefix: str = "v") -> str:
    return f"{unique(prefix)}@example.org"


def contacts(email: str) -> dict[str, Any]:
    return {"contacts": [{"name": "Ana Ruiz", "email": email, "phone": "+1 217 555 0100"}]}


def mails_to(settings, email: str, subject_has: str = "") -> list[Any]:
    found = []
    for mail in store_of(settings).all():
        msg = mail.message()
        if str(msg["To"]) == email and subject_has in str(msg["Subject"]):
            found.append(msg)
    return found


async def mail_to(settings, email: str, subject_has: str = "", *, count: int = 1) -> list[Any]:
    async def arrived() -> list[Any] | None:
        found = mails_to(settings, email, subject_has)
        return found if len(found) >= count else None

    return await eventually(arrived, what=f"{count} mail(s) to {email} about {subject_has!r}")
