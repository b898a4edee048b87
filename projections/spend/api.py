"""HTTP for the spend report (JSON, CSV and an SVG chart of the same figures) and the forecast."""

from __future__ import annotations

from typing import Annotated, Any

from asyncpg import Pool
from litestar import Controller, Request, Response, get
from litestar.params import Parameter

from infra.clock import Clock
from infra.http.auth import requires
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import field_error
from projections.report_http import (
    AgencyParam,
    CurrencyParam,
    FormatParam,
    JsonOrCsv,
    csv_attachment,
    wants_csv,
)
from projections.spend.access import READERS, report_agency
from projections.spend.chart import render_chart
from projections.spend.csv_export import report_csv
from projections.spend.cube import DIMENSIONS, Slice
from projections.spend.forecast import Forecast, build_forecast
from projections.spend.months import first_of, parse_month
from projections.spend.report import SpendReport, build_report

MAX_MONTHS = 120  # ten years
# the years a marketplace can hold, so month arithmetic never leaves the calendar
MONTH = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$"
Id = Annotated[str | None, Parameter(required=False, max_length=64, pattern=r"^[^\x00]*$")]

FromParam = Annotated[str | None, Parameter(query="from", required=False, pattern=MONTH,
                                            description="first month, YYYY-MM (default: January of this year)")]
ToParam = Annotated[str | None, Parameter(query="to", required=False, pattern=MONTH,
                                          description="last month, YYYY-MM (default: this month)")]
GroupParam = Annotated[str, Parameter(max_length=100, pattern=r"^[a-z,]*$",
                                      description="comma-separated, up to three of: " + ", ".join(DIMENSIONS))]
CategoryParam = Annotated[str | None, Parameter(required=False, pattern=r"^[0-9]{2}$",
                                                description="a commodity category (two digits)")]
ProgramParam = Annotated[str | None, Parameter(required=False, max_length=32, pattern=r"^[A-Za-z0-9_-]+$",
                                               description="a certification program, or none")]
LocalParam = Annotated[bool | None, Parameter(required=False, description="only local (true) or other (false) vendors")]


def _group_by(text: str) -> tuple[str, ...]:
    names = tuple(n for n in text.split(",") if n)
    unknown = [n for n in names if n not in DIMENSIONS]
    if unknown:
        raise field_error("group_by", f"{unknown[0]} is not one of {', '.join(DIMENSIONS)}")
    if len(set(names)) != len(names):
        raise field_error("group_by", "a dimension may appear once")
    if len(names) > 3:
        raise field_error("group_by", "at most three dimensions")
    return names


async def _slice(clock: Clock, actor: Actor, agency: str | None, start: str | None, end: str | None,
                 currency: str, *, category: str | None = None, vendor: str | None = None,
                 program: str | None = None, local: bool | None = None) -> Slice:
    await clock.refresh()
    this_month = first_of(clock.now().date())
    first = parse_month(start) if start else this_month.replace(month=1)
    last = parse_month(end) if end else this_month
    if first > last:
        raise field_error("from", "must not be after to")
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        raise field_error("from", "a report covers at most ten years")
    return Slice(first=first, last=last, currency=currency, agency=report_agency(actor, agency),
                 category=category, vendor=vendor, program=program, local=local)


class SpendReportController(Controller):
    path = "/reports/spend"
    tags = ["reports"]
    guards = [requires(*READERS)]

    @get(summary="Spend cube",
         description="Spend paid (succeeded payments, net of refunds) by any of agency, commodity category, "
         "vendor, certification program, local or not, and month; with totals, top vendors, vendor "
         "concentration (Herfindahl-Hirschman index) per category, month-over-month trends and payment "
         "equity (days from invoice receipt to payment, late payments and interest paid, by program and "
         "for local vendors against others). Filters and `group_by` as query parameters. "
         "`Accept: text/csv` or `format=csv` returns the grouped rows as CSV.",
         responses=error_responses(401, 403, 422), operation_class=JsonOrCsv)
    async def report(
        self, pool: Pool, clock: Clock, actor: Actor, request: Request[Any, Any, Any],
        agency: AgencyParam = None, start: FromParam = None, end: ToParam = None, currency: CurrencyParam = "USD",
        group_by: GroupParam = "category", category: CategoryParam = None, vendor: Id = None,
        program: ProgramParam = None, local: LocalParam = None, fmt: FormatParam = None,
    ) -> Response[SpendReport]:
        as_csv = wants_csv(request, fmt)
        dimensions = _group_by(group_by)
        s = await _slice(clock, actor, agency, start, end, currency, category=category, vendor=vendor,
                         program=program, local=local)
        async with pool.acquire() as conn:
            report = await build_report(conn, s, dimensions)
        if as_csv:
            name = f"spend-{report.agency or 'all'}-{report.period_from}-{report.period_to}.csv"
            return csv_attachment(report_csv(report), name)
        return Response(report)

    @get("/chart.svg", summary="Spend chart", media_type="image/svg+xml",
         description="Spend by the first `group_by` dimension (default: category, with each category's "
         "concentration), the largest 20 groups, as SVG.",
         responses=error_responses(401, 403, 422))
    async def chart(
        self, pool: Pool, clock: Clock, actor: Actor, agency: AgencyParam = None, start: FromParam = None,
        end: ToParam = None, currency: CurrencyParam = "USD", group_by: GroupParam = "category",
        category: CategoryParam = None, vendor: Id = None, program: ProgramParam = None,
        local: LocalParam = None,
    ) -> str:
        dimensions = _group_by(group_by)[:1]
        s = await _slice(clock, actor, agency, start, end, currency, category=category, vendor=vendor,
                         program=program, local=local)
        async with pool.acquire() as conn:
            return render_chart(await build_report(conn, s, dimensions))


class ForecastController(Controller):
    path = "/reports/forecast"
    tags = ["reports"]
    guards = [requires(*READERS)]

    @get(summary="Forecast of the next 12 months",
         description="Per commodity category of one agency, for this month and the 11 after it: contracts "
         "ending (re-competitions due), expected spend per month by the seasonal naive method (the same "
         "month a year before) with its back-tested error over the last 12 months of history, and the "
         "approved vendors registered for the category, certified and local.",
         responses=error_responses(401, 403, 422))
    async def forecast(self, pool: Pool, clock: Clock, actor: Actor, agency: AgencyParam = None,
                       currency: CurrencyParam = "USD", category: CategoryParam = None) -> Forecast:
        await clock.refresh()
        covered = report_agency(actor, agency)
        if covered is None:
            raise field_error("agency", "a forecast is of one agency: name it")
        async with pool.acquire() as conn:
            return await build_forecast(conn, covered, clock.now().date(), currency, category)
