"""``civic mail list|show ID``: the mail the embedded SMTP server kept under the data folder."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from infra.settings import Settings
from infra.smtp_server import MailStore, mail_folder


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="mail_command", required=True)
    listing = sub.add_parser("list", help="the mails kept, oldest first")
    listing.add_argument("--to", help="only mail to this address")
    show = sub.add_parser("show", help="one mail: headers and its plain-text part")
    show.add_argument("id", help="the id from `civic mail list` (a unique prefix is enough)")
    show.add_argument("--html", action="store_true", help="print the HTML part instead")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    store = MailStore(mail_folder(settings.data_dir))
    if args.mail_command == "list":
        for kept in store.all():
            listed = kept.message()
            if args.to and args.to.lower() not in str(listed["To"]).lower():
                continue
            print(f"{kept.id}  {listed['Date']}  {str(listed['To']):32}  {listed['Subject']}")
        return 0
    found = store.get(args.id)
    if found is None:
        print(f"no single mail with id {args.id!r}; see `civic mail list`", file=sys.stderr)
        return 2
    shown: Any = found.message()
    for header in ("From", "To", "Date", "Subject", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"):
        if shown[header]:
            print(f"{header}: {shown[header]}")
    body = shown.get_body(preferencelist=("html",) if args.html else ("plain",))
    print()
    print(body.get_content() if body is not None else "")
    return 0
