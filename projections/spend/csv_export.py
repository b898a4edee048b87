"""The spend report as CSV: the grouped rows, with the same figures as the JSON."""

from __future__ import annotations

import csv
import io

from projections.report_http import csv_cell
from projections.spend.report import SpendReport

FIGURES = ("amount", "payments", "interest", "share_percent")


def report_csv(report: SpendReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("agency_scope", "from", "to", "currency", *report.group_by, *FIGURES))
    for row in report.rows:
        writer.writerow([csv_cell(v) for v in (report.agency or "all", report.period_from, report.period_to,
                                             report.currency, *(getattr(row, d) for d in report.group_by),
                                             *(getattr(row, f) for f in FIGURES))])
    return out.getvalue()
