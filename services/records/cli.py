"""``civic records verify BUNDLE [--public-key KEY]``: check a records bundle offline."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import msgspec

from infra.settings import Settings


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="records_command", required=True)
    verify = sub.add_parser("verify", help="check a bundle's signature, file hashes and event chains")
    verify.add_argument("bundle", type=Path)
    verify.add_argument("--public-key", help="the marketplace's records public key (base64 or PEM, or"
                        " a file holding it), as GET /api/v1/records/public-key gives it; without it"
                        " the key the bundle names is used")
    verify.add_argument("--json", action="store_true")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Exit status 0 when the bundle verifies, 1 when it does not (no server is needed)."""
    return check(args)


def check(args: argparse.Namespace) -> int:
    from services.records.bundle import verify_bundle
    from services.records.keys import load_public_key

    key = None
    if args.public_key:
        text = args.public_key
        if Path(text).is_file():
            text = Path(text).read_text()
        key = load_public_key(text)
    report = verify_bundle(args.bundle.read_bytes(), key)
    if args.json:
        print(json.dumps(msgspec.to_builtins(report), indent=2))
    elif report.valid:
        print(f"{args.bundle}: valid; {report.files} files, {report.events} events of process"
              f" {report.solicitation_id}, signed by {report.signed_by}"
              + ("" if key else " (the key the bundle names: compare it with GET /api/v1/records/public-key)"))
    else:
        print(f"{args.bundle}: NOT valid")
        for problem in report.problems:
            print(f"  {problem}")
    return 0 if report.valid else 1
