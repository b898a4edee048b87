"""Who may read the spend report and the forecast.

The supplier-diversity report's rules: agency staff who buy or pay (buyer, finance) and
auditors of an agency read their agency's figures; admins and auditors without an agency
may read any agency's or all agencies' together. Vendors and the public get none of it: a
slice by vendor, category and month can single out one vendor's payments, so no slice is
offered to anyone outside the paying agency and oversight (published spending reaches the
public through the open-data export instead).
"""

from __future__ import annotations

from kernel.context import Actor
from projections.report_access import READERS, covered_agency

__all__ = ["READERS", "report_agency"]


def report_agency(actor: Actor, requested: str | None) -> str | None:
    """The agency the report covers (``None``: all agencies), or ``Forbidden``."""
    return covered_agency(actor, requested, reports="spend reports", own="figures")
