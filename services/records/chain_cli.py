"""``civic verify [--stream ID]``: walk the hash chains of the event store."""

from __future__ import annotations

import argparse
import json

import msgspec

from infra.settings import Settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stream", help="verify only this stream")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Exit status 0 when every chain verifies, 1 when one does not."""
    from infra import db
    from services.records.chain import verify

    assert settings.database_url, "the database is not configured"
    conn = await db.connect(settings.database_url)
    try:
        report = await verify(conn, args.stream)
    finally:
        await conn.close()
    if args.json:
        print(json.dumps(msgspec.to_builtins(report), indent=2))
    elif report.valid:
        print(f"{report.events} events verify" + (f" in {args.stream}" if args.stream
              else f"; {report.checkpoints} checkpoints verify"))
    else:
        if report.first_broken:
            b = report.first_broken
            print(f"event {b.event_id} ({b.stream_id} version {b.version}, position {b.position}):"
                  f" {b.reason}")
        if report.first_broken_checkpoint:
            c = report.first_broken_checkpoint
            print(f"checkpoint {c.seq} (through {c.position}): {c.reason}")
    return 0 if report.valid else 1
