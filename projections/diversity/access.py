"""Who may read which supplier-diversity report.

Agency staff who buy or pay (buyer, finance) and auditors of an agency read their agency's
report; admins and auditors may read any agency's or all agencies' together. Vendors and the
public do not get these reports: slices by category and month can single out one vendor's
payments, and published spending reaches the public through the open-data export instead.
"""

from __future__ import annotations

from kernel.context import Actor
from projections.report_access import READERS, covered_agency

__all__ = ["READERS", "report_agency"]


def report_agency(actor: Actor, requested: str | None) -> str | None:
    """The agency the report covers (``None``: all agencies), or ``Forbidden``; an auditor of an
    agency may read any agency's report."""
    return covered_agency(actor, requested, reports="diversity reports", own="report",
                          agency_auditors_scoped=False)
