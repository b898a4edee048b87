"""``civic demo``: generate a realistic demo marketplace through the command path.

    civic demo [--seed N] [--scale small|medium|tiny|agencies=A,vendors=V,solicitations=S] [--url URL]

Without ``--url`` the marketplace runs in this process against the configured servers
(embedded ones unless DATABASE_URL / NATS_URL are set); with it, the demo drives a running
server started with the development clock. ``civic serve --demo`` loads the same demo in
the background right after start-up (``seed_on_start``).
"""

from __future__ import annotations

import argparse
import logging
import sys

from infra.settings import Settings
from services.demo.generate import AlreadyLoaded
from services.demo.scale import DEFAULT, parse_scale
from services.demo.targets import against_server, in_process, seed_on_start

__all__ = ["configure", "run", "seed_on_start"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=7, help="the same seed gives the same marketplace")
    parser.add_argument("--scale", type=parse_scale, default=parse_scale(DEFAULT),
                        help="tiny, small (default), medium, or agencies=A,vendors=V,solicitations=S")
    parser.add_argument("--url", help="drive a running server (started with --dev-clock) instead")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    # the command's answer is its summary; thousands of request log lines would bury it
    logging.getLogger().setLevel(logging.WARNING)
    try:
        if args.url:
            summary = await against_server(args.url, settings, args.seed, args.scale)
        else:
            summary = await in_process(settings, args.seed, args.scale)
    except AlreadyLoaded as exc:
        print(exc, file=sys.stderr)
        return 1
    print(summary.render())
    return 0
