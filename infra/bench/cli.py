"""``civic bench append|relay|rebuild|e2e|search|diversity|spend|notify|matching|marketplace|documents|portal [--json]``.

Each benchmark makes its own database on the configured server and its own stream, and
measures the raw ceiling it is compared with in the same run.
"""

from __future__ import annotations

import argparse

from infra.bench.figures import report
from infra.settings import Settings

WHICH = ("append", "relay", "rebuild", "e2e")
#: read-model benchmarks load a million rows each: run them by name, not with "all"
READ_MODELS = ("search", "diversity", "spend", "notify", "matching", "portal", "marketplace")
#: moves gigabytes through the document stores: run by name, not with "all"
DOCUMENTS = ("documents",)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("which", nargs="*", choices=[*WHICH, *READ_MODELS, *DOCUMENTS, "all"], default=["all"],
                        help="benchmarks to run (default: all)")
    parser.add_argument("--json", action="store_true", help="one JSON object per benchmark")
    parser.add_argument("--events", type=int, default=10000,
                        help="append: single-event commands (batched: five times as many events)")
    parser.add_argument("--writers", type=int, default=16, help="append: concurrent writers")
    parser.add_argument("--relay-events", type=int, default=50000, help="relay: events to publish")
    parser.add_argument("--rebuild-events", type=int, default=200000, help="rebuild: stored events")
    parser.add_argument("--rate", type=float, default=200.0, help="e2e: commands per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="e2e: how long to offer load")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="e2e: consecutive runs, each reported, and the worst p99 beside its target")
    parser.add_argument("--projectors", nargs="+", metavar="NAME",
                        help="e2e: run API, relay and these projections as separate processes "
                        "(default: everything in one civic serve)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="search: solicitations to load")
    parser.add_argument("--payments", type=int, default=1_000_000, help="diversity, spend: payments over one year")
    parser.add_argument("--vendors", type=int, default=10_000, help="notify: vendors following the code")
    parser.add_argument("--matching-vendors", type=int, default=100_000, help="matching: vendors at scale")
    parser.add_argument("--open-solicitations", type=int, default=10_000, help="matching: open solicitations")
    parser.add_argument("--samples", type=int, default=200, help="matching: timed lists of each kind")
    parser.add_argument("--portal-scale", default="small", help="portal: the demo marketplace's scale")
    parser.add_argument("--portal-samples", type=int, default=200, help="portal: timed requests per page")
    parser.add_argument("--catalog-items", type=int, default=100_000,
                        help="marketplace: catalog items over the cooperative contracts")
    parser.add_argument("--document-files", type=int, default=5, help="documents: 10 MiB files each way")
    parser.add_argument("--parallel-uploads", type=int, default=20,
                        help="documents: concurrent 100 MiB uploads while the API's memory is watched")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    chosen = WHICH if "all" in args.which else tuple(w for w in (*WHICH, *READ_MODELS, *DOCUMENTS) if w in args.which)
    for which in chosen:
        match which:
            case "append":
                from infra.bench import append

                result = await append.run(settings, count=args.events, writers=args.writers)
            case "relay":
                from infra.bench import relay

                result = await relay.run(settings, count=args.relay_events)
            case "rebuild":
                from infra.bench import rebuild

                result = await rebuild.run(settings, count=args.rebuild_events)
            case "e2e":
                from infra.bench import e2e

                result = await e2e.repeated(settings, rate=args.rate, seconds=args.seconds,
                                            projectors=args.projectors, repeat=args.repeat)
            case "search":
                from projections.search import bench as search_bench

                result = await search_bench.run(settings, rows=args.rows)
            case "diversity":
                from projections.diversity import bench as diversity_bench

                result = await diversity_bench.run(settings, payments=args.payments)
            case "spend":
                from projections.spend import bench as spend_bench

                result = await spend_bench.run(settings, payments=args.payments)
            case "notify":
                from services.notifications import bench as notify_bench

                result = await notify_bench.run(settings, vendors=args.vendors)
            case "matching":
                from services.assistance import bench as matching_bench

                result = await matching_bench.run(settings, vendors=args.matching_vendors,
                                                  solicitations=args.open_solicitations, samples=args.samples)
            case "portal":
                from infra.bench import portal

                result = await portal.run(settings, scale=args.portal_scale, samples=args.portal_samples)
            case "marketplace":
                from services.marketplace import bench as marketplace_bench

                result = await marketplace_bench.run(settings, items=args.catalog_items)
            case "documents":
                from services.documents import bench as documents_bench

                for each in await documents_bench.run(settings, files=args.document_files,
                                                      parallel=args.parallel_uploads):
                    report(each, args.json)
                continue
        report(result, args.json)
    return 0
