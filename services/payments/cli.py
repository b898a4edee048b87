"""``civic reconcile``: list every difference between our payments and Stripe's records."""

from __future__ import annotations

import argparse
import json

import msgspec

from infra.settings import Settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the mismatches as JSON")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Exit status 0 when everything matches, 1 when there are mismatches."""
    from infra.container import open_civic
    from services.payments.paying import gateway_of
    from services.payments.reconcile import reconcile

    civic = await open_civic(settings, with_nats=False)
    try:
        mismatches = await reconcile(civic.store, gateway_of(civic))
    finally:
        await civic.close()
    if args.json:
        print(json.dumps(msgspec.to_builtins(mismatches), indent=2))
    elif not mismatches:
        print("payments match Stripe")
    else:
        print(f"{len(mismatches)} mismatch(es):")
        for m in mismatches:
            print(f"  {m.kind:18} payment {m.payment_id or '-':24} intent {m.stripe_payment_intent:30}"
                  f" ours: {m.ours:12} stripe: {m.stripe}")
    return 1 if mismatches else 0
