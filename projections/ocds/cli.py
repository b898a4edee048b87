"""``civic export ocds --out DIR``: the release feed as JSON Lines of release packages."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import asyncpg
import msgspec

from infra.settings import Settings
from projections.ocds import packages, queries

RELEASES_FILE = "releases.jsonl"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", choices=["ocds"], help="what to export")
    parser.add_argument("--out", required=True, type=Path, help="folder to write into")
    parser.add_argument("--per-package", type=int, default=100, help="releases per package (line)")
    parser.add_argument(
        "--base-url",
        help="public base URL the package URIs name (default: http://<CIVIC_HOST>:<CIVIC_PORT>)",
    )


async def export(pool: asyncpg.Pool, out: Path, *, base_url: str, per_package: int = 100) -> int:
    """Write every release, oldest first, ``per_package`` to a line; returns the line count."""
    # A command of its own: nothing else waits on this event loop while files are written.
    out.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
    target = out / RELEASES_FILE
    partial = target.with_suffix(".jsonl.partial")
    feed = f"{base_url.rstrip('/')}/api/v1/ocds/releases"
    encoder = msgspec.json.Encoder()
    lines = 0
    # One snapshot: the export is the feed as it stood at one moment, whatever is
    # published meanwhile.
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        with partial.open("wb") as fh:
            after = None
            while found := await queries.releases_after(conn, after, per_package):
                after = found[-1][0]
                uri = f"{feed}?page={lines + 1}&per_page={per_package}"
                package = packages.release_package(uri, [release for _, release in found])
                fh.write(encoder.encode(package) + b"\n")
                lines += 1
    partial.replace(target)  # readers never see a half-written export
    return lines


async def run(args: argparse.Namespace, settings: Settings) -> int:
    from infra.container import open_civic

    if args.per_package < 1:
        print("--per-package must be at least 1", file=sys.stderr)
        return 2
    civic = await open_civic(settings, with_nats=False)
    try:
        base = args.base_url or f"http://{settings.host}:{settings.port}"
        lines = await export(civic.pool, args.out, base_url=base, per_package=args.per_package)
    finally:
        await civic.close()
    print(f"wrote {lines} release package(s) to {args.out / RELEASES_FILE}")
    return 0
