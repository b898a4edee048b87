"""HTTP for supplier-diversity reports: JSON, CSV and an SVG chart of the same figures."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from asyncpg import Pool
from litestar import Controller, Request, Response, get
from litestar.params import Parameter

from infra.clock import Clock
from infra.http.auth import requires
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import NotFound, field_error
from projections.diversity.access import READERS, report_agency
from projections.diversity.chart import render_chart
from projections.diversity.csv_export import report_csv
from projections.diversity.figures import GROUPS, Scope
from projections.diversity.report import DiversityReport, build_report
from projections.report_http import CurrencyParam, FormatParam, JsonOrCsv, csv_attachment, wants_csv

MAX_DAYS = 3700  # ten years

AgencyParam = Annotated[str | None, Parameter(required=False, max_length=64,
                                              description="an agency id; omitted: your agency (admins, auditors: all)")]
FromParam = Annotated[date | None, Parameter(query="from", required=False,
                                             description="first day (default: 1 January of this year)")]
ToParam = Annotated[date | None, Parameter(query="to", required=False, description="last day (default: today)")]


async def _scope(pool: Pool, clock: Clock, actor: Actor, agency: str | None, start: date | None,
                 end: date | None,
                 group_by: str, currency: str) -> Scope:
    await clock.refresh()
    today = clock.now().date()
    start = start or today.replace(month=1, day=1)
    end = end or today
    if start > end:
        raise field_error("from", "must not be after to")
    if (end - start).days > MAX_DAYS:
        raise field_error("from", "a report covers at most ten years")
    if group_by not in GROUPS:
        raise field_error("group_by", f"one of {', '.join(GROUPS)}")
    covered = report_agency(actor, agency)
    if covered is not None and not await pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM diversity_agencies WHERE agency_id = $1)", covered):
        raise NotFound(f"agency {covered} not found")
    return Scope(start=start, end=end, currency=currency, group_by=group_by, agency=covered)


class DiversityReportController(Controller):
    path = "/reports/supplier-diversity"
    tags = ["reports"]
    guards = [requires(*READERS)]

    @get(summary="Supplier-diversity report",
         description="Utilization of spend paid and of awards, participation (bids and win rate) and "
         "certified vendors by program, beside each agency's goals; grouped by program, agency, "
         "commodity category or month. `Accept: text/csv` or `format=csv` returns the same rows as CSV.",
         responses=error_responses(401, 403, 404, 422), operation_class=JsonOrCsv)
    async def report(
        self, pool: Pool, clock: Clock, actor: Actor, request: Request[Any, Any, Any],
        agency: AgencyParam = None, start: FromParam = None, end: ToParam = None,
        group_by: Annotated[str, Parameter(description="program, agency, category or month")] = "program",
        currency: CurrencyParam = "USD",
        fmt: FormatParam = None,
    ) -> Response[DiversityReport]:
        as_csv = wants_csv(request, fmt)
        scope = await _scope(pool, clock, actor, agency, start, end, group_by, currency)
        async with pool.acquire() as conn:
            report = await build_report(conn, scope)
        if as_csv:
            name = f"supplier-diversity-{report.agency or 'all'}-{scope.start}-{scope.end}.csv"
            return csv_attachment(report_csv(report), name)
        return Response(report)

    @get("/chart.svg", summary="Supplier-diversity chart", media_type="image/svg+xml",
         description="Utilization against goal by program, as SVG.",
         responses=error_responses(401, 403, 404, 422))
    async def chart(
        self, pool: Pool, clock: Clock, actor: Actor, agency: AgencyParam = None, start: FromParam = None,
        end: ToParam = None, currency: CurrencyParam = "USD",
    ) -> str:
        scope = await _scope(pool, clock, actor, agency, start, end, "program", currency)
        async with pool.acquire() as conn:
            return render_chart(await build_report(conn, scope))
