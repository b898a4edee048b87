"""The report as CSV: the same rows and figures as the JSON, one line per group and program."""

from __future__ import annotations

import csv
import io

import msgspec

from projections.diversity.report import DiversityReport, ReportRow

COLUMNS = ("agency", "from", "to", "currency", *ReportRow.__struct_fields__)


def report_csv(report: DiversityReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in report.rows:
        values = msgspec.structs.astuple(row)
        writer.writerow([report.agency or "all", report.period_from.isoformat(), report.period_to.isoformat(),
                         report.currency, *("" if v is None else v for v in values)])
    return out.getvalue()
