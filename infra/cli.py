"""``civic``: the marketplace's command line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import logging
import signal
import sys
from collections.abc import Callable
from typing import Any

from infra import embedded
from infra.settings import Settings

# Commands owned by a context live beside it; each module has configure(parser) and
# ``async def run(args, settings)``.
EXTERNAL_COMMANDS = {
    "bench": ("infra.bench.cli", "measure throughput and latency against the configured servers"),
    "demo": ("services.demo.cli", "generate a realistic demo marketplace through the command path"),
    "export": ("projections.ocds.cli", "export open data (civic export ocds --out DIR)"),
    "forget": ("services.privacy.cli", "forget a person's data once records retention allows it"),
    "keys": ("infra.keys_cli", "list and rotate the token-signing and sealed-bid keys"),
    "mail": ("services.notifications.cli", "read the mail the embedded SMTP server kept (list | show ID)"),
    "reconcile": ("services.payments.cli", "compare payment records with Stripe's"),
    "verify": ("services.records.chain_cli", "walk the hash chain of every event and checkpoint"),
    "records": ("services.records.cli", "records bundles (civic records verify BUNDLE)"),
}


def _settings() -> Settings:
    return embedded.resolve(Settings.from_env())


async def _migrate(args: argparse.Namespace) -> int:
    from infra import db
    from infra.migrate import migrate

    settings = _settings()
    conn = await db.connect(settings.database_url)
    try:
        applied = await migrate(conn)
    finally:
        await conn.close()
    print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))
    return 0


def _token(args: argparse.Namespace) -> int:
    from infra.http.auth import mint_token

    print(mint_token(Settings.from_env(), role=args.role, sub=args.sub, agency=args.agency,
                     vendor=args.vendor, ttl_s=args.ttl))
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from infra.http.app import create_app

    # The app's lifespan starts the embedded servers (if no URLs are set) and stops them
    # on the way out: uvicorn runs it to its end on SIGTERM and SIGINT.
    settings = Settings.from_env()
    if args.dev_clock or args.demo:  # the demo tells two years of history along the dev clock
        settings = settings.with_(dev_clock=True)
    on_ready = None
    if args.demo:
        from services.demo.cli import seed_on_start

        on_ready = seed_on_start(seed=args.seed)
    from infra.stripe_server import with_local_stripe

    host, port = args.host or settings.host, args.port or settings.port
    settings = with_local_stripe(settings, host=host, port=port)
    from infra.observability.logs import uvicorn_log_config

    app = create_app(settings, workers=not args.api_only, on_ready=on_ready,
                     metrics_port=_metrics_port(settings, "serve"))
    uvicorn.run(app, host=host, port=port, log_level="info", lifespan="on",
                log_config=uvicorn_log_config(settings.log_format))
    return 0


async def _workers(args: argparse.Namespace, *, relay: bool, runners: bool, scheduler: bool,
                   senders: bool | None = None) -> int:

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    civic = await _open_when_reachable(_settings(), stop)
    if civic is None:
        return 0
    civic.start_workers(relay=relay, runners=runners, scheduler=scheduler,
                        only=getattr(args, "names", None) or None, senders=senders,
                        metrics_port=_metrics_port(civic.settings, args.command))
    await stop.wait()
    await civic.close()
    return 0


#: where each kind of process serves GET /metrics unless CIVIC_METRICS_PORT says otherwise
METRICS_PORTS = {"serve": 9464, "relay": 9465, "project": 9466, "scheduler": 9467, "mailer": 9468}


def _metrics_port(settings: Settings, command: str) -> int:
    return settings.metrics_port or METRICS_PORTS[command]


async def _open_when_reachable(settings: Settings, stop: asyncio.Event) -> Any:
    """Open the container, waiting for PostgreSQL and NATS if they are not up yet: a
    worker started before its servers (or during a restart) waits instead of exiting."""
    from nats.errors import Error as NatsError

    from infra.container import open_civic
    from infra.db import UNAVAILABLE

    delay = 0.5
    while not stop.is_set():
        opening = asyncio.ensure_future(open_civic(settings))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({opening, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not opening.done():  # asked to stop while NATS is still unreachable
            opening.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await opening
            return None
        try:
            return opening.result()
        except (*UNAVAILABLE, NatsError) as exc:
            logging.getLogger("civic").warning("servers not reachable yet (%s); retrying", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 10.0)
    return None


async def rebuild_projection(
    settings: Settings, name: str, progress: Callable[[int, int], Any] | None = None
) -> int:
    """Rebuild one projection from the event store; returns the events replayed.

    Raises ``KeyError`` for an unknown projection.
    """
    from infra.container import open_civic

    civic = await open_civic(settings, with_nats=False)
    try:
        try:
            runner = civic.runner_for(name)
        except KeyError:
            known = ", ".join(p.name for p in civic.projections())
            raise KeyError(f"unknown projection {name!r}; known: {known}") from None
        return await runner.rebuild(progress)
    finally:
        await civic.close()


async def _rebuild(args: argparse.Namespace) -> int:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn(f"rebuild {args.projection}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), transient=False) as progress:
        task = progress.add_task("events", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            count = await rebuild_projection(_settings(), args.projection, advance)
        except KeyError as exc:
            print(exc.args[0], file=sys.stderr)
            return 2
    print(f"rebuilt {args.projection} from {count} events")
    return 0


async def status_report(settings: Settings) -> dict[str, Any]:
    """Where everything stands: events, the stream, the relay, each projection's
    checkpoint, lag and parked events, each outbox's depth and oldest undelivered item, and
    each component's own check (documents: a verification pass over every stored blob)."""
    from infra.container import open_civic
    from infra.eventstore import Position
    from infra.outboxes import measure
    from infra.relay import Relay

    civic = await open_civic(settings)
    try:
        head = await civic.store.head()
        total = await civic.pool.fetchval("SELECT count(*) FROM events")
        report: dict[str, Any] = {"events": total, "head": str(head), "stream": {}, "relay": None,
                                  "projections": {}}
        row = await civic.pool.fetchrow(
            "SELECT transaction_id::text::bigint AS tx, position, updated_at FROM relay_checkpoint WHERE name = $1",
            civic.settings.stream_name)
        if row:
            relayed = Position(row["tx"], row["position"])
            report["relay"] = {"position": str(relayed), "lag": await civic.store.count_after(relayed),
                               "updated_at": row["updated_at"].isoformat()}
        if civic.nc is not None:
            info = await civic.js.stream_info(civic.settings.stream_name)
            last = await Relay(civic.settings, civic.store, civic.nc).last_in_stream()
            report["stream"] = {"name": civic.settings.stream_name, "messages": info.state.messages,
                                "last_seq": info.state.last_seq, "last_position": str(last) if last else None}
        parked = dict(await civic.pool.fetch(
            "SELECT projection, count(*) FROM parked_events GROUP BY projection"))
        for handler in [*civic.projections(), *civic.reactors()]:
            checkpoint = await civic.runner_for(handler.name).checkpoint()
            report["projections"][handler.name] = {
                "checkpoint": str(checkpoint), "lag": await civic.store.count_after(checkpoint),
                "parked": parked.get(handler.name, 0)}
        now = civic.clock.now()
        report["outboxes"] = {outbox.name: (await measure(civic.pool, outbox, now)).as_dict()
                              for component in civic.components for outbox in component.outboxes}
        for component in civic.components:
            if component.status is not None:
                report[component.name] = dict(await component.status(civic))
    finally:
        await civic.close()
    return report


async def _status(args: argparse.Namespace) -> int:
    report = await status_report(_settings())
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"events: {report['events']}  head: {report['head']}")
        if report["stream"]:
            s = report["stream"]
            print(f"stream {s['name']}: {s['messages']} messages, last position {s['last_position']}")
        if report["relay"]:
            print(f"relay: at {report['relay']['position']}, lag {report['relay']['lag']}")
        for name, p in report["projections"].items():
            print(f"{name:24} checkpoint {p['checkpoint']:>20}  lag {p['lag']:>8}  parked {p['parked']}")
        for name, o in report["outboxes"].items():
            oldest = f"oldest undelivered {o['oldest_undelivered']} ({o['oldest_age_seconds']} s)" \
                if o["oldest_undelivered"] else "nothing waiting"
            extra = "".join(f", {k} {v}" for k, v in o.items()
                            if k not in ("depth", "oldest_undelivered", "oldest_age_seconds"))
            print(f"outbox {name:17} depth {o['depth']:>8}  {oldest}{extra}")
        known = {"events", "head", "stream", "relay", "projections", "outboxes"}
        for name, figures in report.items():
            if name not in known:
                print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    return 0


async def _backup_or_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from infra.backup import BackupError, backup, restore

    try:
        if args.command == "backup":
            out = await backup(_settings().database_url, Path(args.out))
            print(f"backed up to {out} ({out.stat().st_size:,} bytes)")
        else:
            await restore(Path(args.file), args.into, rebuild_read_models=args.rebuild_read_models)
            print(f"restored {args.file} into the new database; start the workers to publish"
                  " the store into the (new, empty) stream" + (" and rebuild every read model"
                                                               if args.rebuild_read_models else ""))
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="civic", description="Civic Marketplace")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="apply database migrations")

    serve = sub.add_parser("serve", help="API, relay, projections and scheduler in one process")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--api-only", action="store_true", help="no relay, runners or scheduler")
    serve.add_argument("--demo", action="store_true", help="load the demo marketplace on start")
    serve.add_argument("--seed", type=int, default=7, help="demo seed")
    serve.add_argument("--dev-clock", action="store_true", help="as CIVIC_DEV_CLOCK=1")

    token = sub.add_parser("token", help="mint a signed bearer token")
    token.add_argument("--role", required=True)
    token.add_argument("--sub", required=True)
    token.add_argument("--agency")
    token.add_argument("--vendor")
    token.add_argument("--ttl", type=int, default=8 * 3600, help="seconds")

    rebuild = sub.add_parser("rebuild", help="rebuild a projection from the event store")
    rebuild.add_argument("projection")

    status = sub.add_parser("status", help="stream positions, projection lag, parked events")
    status.add_argument("--json", action="store_true")

    backup = sub.add_parser("backup", help="a consistent dump of the marketplace's database")
    backup.add_argument("--out", required=True, help="the backup file to write")
    restore = sub.add_parser("restore", help="restore a backup into another (empty) database")
    restore.add_argument("file")
    restore.add_argument("--into", required=True, metavar="DATABASE_URL")
    restore.add_argument("--rebuild-read-models", action="store_true",
                         help="empty every read model so that the runners rebuild it from the store")

    sub.add_parser("relay", help="run only the relay (store -> JetStream)")
    project = sub.add_parser("project", help="run only projection runners and reactors")
    project.add_argument("names", nargs="*", help="which (default: all)")
    sub.add_parser("scheduler", help="run only the timer scheduler")
    sub.add_parser("mailer", help="run only the senders (email and webhook outboxes)")

    for name, (module, help_text) in EXTERNAL_COMMANDS.items():
        ext = sub.add_parser(name, help=help_text)
        ext.set_defaults(_external=module)
        try:
            importlib.import_module(module).configure(ext)
        except ModuleNotFoundError:
            ext.set_defaults(_missing=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    from infra.observability import logs, tracing

    args = build_parser().parse_args(argv)
    logs.configure(Settings.from_env().log_format)
    tracing.configure(f"civic-{args.command}")
    if getattr(args, "_missing", False):
        print(f"civic {args.command}: not available in this build", file=sys.stderr)
        return 2
    if getattr(args, "_external", None):
        module = importlib.import_module(args._external)
        # A command that reaches no server (``keys``) says so, and starts no embedded one.
        settings = _settings() if getattr(module, "NEEDS_SERVERS", True) else Settings.from_env()
        return asyncio.run(module.run(args, settings)) or 0
    match args.command:
        case "migrate":
            return asyncio.run(_migrate(args))
        case "token":
            return _token(args)
        case "serve":
            return _serve(args)
        case "rebuild":
            return asyncio.run(_rebuild(args))
        case "status":
            return asyncio.run(_status(args))
        case "backup" | "restore":
            return asyncio.run(_backup_or_restore(args))
        case "relay":
            return asyncio.run(_workers(args, relay=True, runners=False, scheduler=False))
        case "project":
            return asyncio.run(_workers(args, relay=False, runners=True, scheduler=False))
        case "scheduler":
            return asyncio.run(_workers(args, relay=False, runners=False, scheduler=True))
        case "mailer":
            return asyncio.run(_workers(args, relay=False, runners=False, scheduler=False, senders=True))
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
