"""``civic forget PERSON``: forget a person's data once records retention allows it.

    civic forget contact:alice@example.org      # or just the email address
    civic forget user:<token subject>           # an asker in Q&A, an invited colleague
    civic forget vendor:<vendor id>             # the vendor's tax id
    civic forget ... --dry-run                  # say whether retention allows it, change nothing
"""

from __future__ import annotations

import argparse
import sys

from infra.container import open_civic
from infra.settings import Settings
from kernel.errors import DomainError
from services.privacy.forgetting import forget


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("person", help="contact:<email> | user:<sub> | vendor:<id> | exclusion:<id>")
    parser.add_argument("--dry-run", action="store_true", help="check retention only")
    parser.add_argument("--no-rebuild", action="store_true",
                        help="do not rebuild the read models now (run civic rebuild for each later)")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    civic = await open_civic(settings, with_nats=False)
    try:
        outcome = await forget(civic, args.person, rebuild=not args.no_rebuild, dry_run=args.dry_run)
    except DomainError as exc:
        print(f"civic forget: {exc}", file=sys.stderr)
        return 1
    finally:
        await civic.close()
    if args.dry_run:
        print(f"retention allows forgetting this {outcome.kind}: {outcome.retention.reason}")
        return 0
    print(f"forgot the {outcome.kind}'s data: key {', '.join(outcome.key_ids)} destroyed ({outcome.retention.reason})")
    if outcome.rebuilt:
        print("rebuilt: " + ", ".join(outcome.rebuilt))
    return 0
