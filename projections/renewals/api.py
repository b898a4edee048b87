"""HTTP for the renewal pipeline (JSON, or the same rows as CSV)."""

from __future__ import annotations

from typing import Any

from asyncpg import Pool
from litestar import Controller, Request, Response, get

from infra.clock import Clock
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.errors import error_responses
from kernel.context import Actor
from projections.renewals.report import RenewalReport, build_report, report_csv
from projections.report_access import READERS, covered_agency
from projections.report_http import AgencyParam, FormatParam, JsonOrCsv, csv_attachment, wants_csv


class RenewalsReportController(Controller):
    path = "/reports/renewals"
    tags = ["reports"]
    guards = [requires(*READERS)]

    @get(summary="Renewal pipeline",
         description="Every open contract of an agency, soonest expiry first: months and days to expiry, "
         "the options still open, the renewal stage the buyer recorded (plan, exercise_option, "
         "re_compete, let_lapse) and the days it has held, the value in force at stake and what the "
         "remaining options would add. `Accept: text/csv` or `format=csv` returns the rows as CSV.",
         responses=error_responses(401, 403, 422), operation_class=JsonOrCsv)
    async def report(self, pool: Pool, executor: Executor, clock: Clock, actor: Actor,
                     request: Request[Any, Any, Any], agency: AgencyParam = None,
                     fmt: FormatParam = None) -> Response[RenewalReport]:
        as_csv = wants_csv(request, fmt)
        covered = covered_agency(actor, agency, reports="renewal reports", own="renewals")
        await clock.refresh()
        today = clock.now().date()
        report = await build_report(pool, executor, covered, today)
        if as_csv:
            return csv_attachment(report_csv(report), f"renewals-{covered or 'all'}-{today}.csv")
        return Response(report)
