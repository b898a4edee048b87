"""``civic keys``: list and rotate the token-signing and sealed-bid keys (``infra/keys.py``).

    civic keys list
    civic keys rotate signing|bids [--stage]   # --stage: add now, activate later
    civic keys activate signing|bids ID
    civic keys retire KID                       # signing keys only
"""

from __future__ import annotations

import argparse

from infra import keys
from infra.settings import Settings

NEEDS_SERVERS = False  # the ring is a file: no database or NATS needed


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="keys_command", required=True)
    sub.add_parser("list", help="key ids, versions and which is active (never the secrets)")
    rotate = sub.add_parser("rotate", help="add a new key and make it the active one")
    rotate.add_argument("kind", choices=keys.KINDS)
    rotate.add_argument("--stage", action="store_true",
                        help="add the key without activating it (activate once every process has the file)")
    activate = sub.add_parser("activate", help="make a key of the ring the active one")
    activate.add_argument("kind", choices=keys.KINDS)
    activate.add_argument("key_id")
    retire = sub.add_parser("retire", help="drop a signing key: tokens it signed are refused")
    retire.add_argument("key_id")


def _list(settings: Settings) -> None:
    ring = keys.KeyRing(settings).current()
    print(f"key ring: {keys.ring_path(settings)}")
    for kind in keys.KINDS:
        keyset: keys.KeySet = getattr(ring, kind)
        for key in keyset.keys:
            mark = "active" if key.id == keyset.active else "verifies" if kind == "signing" else "opens"
            print(f"{kind:8} {key.id:>6}  {mark:8}  created {key.created_at.isoformat()}")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    match args.keys_command:
        case "list":
            _list(settings)
        case "rotate":
            key = keys.rotate(settings, args.kind, activate=not args.stage)
            state = "staged (not active yet)" if args.stage else "active"
            print(f"{args.kind} key {key.id} added, {state}; ring: {keys.ring_path(settings)}")
        case "activate":
            keys.activate(settings, args.kind, args.key_id)
            print(f"{args.kind} key {args.key_id} is active")
        case "retire":
            keys.retire(settings, args.key_id)
            print(f"signing key {args.key_id} retired: tokens it signed are refused")
    return 0
